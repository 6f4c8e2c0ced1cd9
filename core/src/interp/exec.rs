//! The executor: runs [`crate::ir`] code on an explicit frame stack. A wasm
//! call pushes a [`Frame`] and never recurses on the host stack, so deep
//! recursion ends in `TrapCode::StackOverflow`; only host→wasm re-entry
//! nests, and that is bounded by [`MAX_NESTING`].
//!
//! It owns the dispatch loop and the frame/stack protocol; it does not
//! decide anything about translation (see `translate`) or linking.
use crate::error::Error;
use crate::interp::num;
use crate::ir::{CompiledFunc, Op};
use crate::store::{FuncEntity, InstanceEntity, StoreInner};
use crate::vm::trap::{FrameInfo, Trap, TrapCode};
use alloc::vec::Vec;
use core::ptr;

/// Most nested host→wasm entries (a host function calling back into wasm).
/// Each costs one executor activation on the host stack.
pub(crate) const MAX_NESTING: u32 = 100;

/// How the executor reaches the typed store: its untyped part and host
/// functions. Implemented by `Store<T>`.
pub(crate) trait Host {
    fn inner(&mut self) -> &mut StoreInner;
    /// Calls host function `host`; params in `slots[..np]`, results to
    /// `slots[..nr]`.
    fn call_host(&mut self, host: u32, caller: Option<u32>, slots: &mut [u64])
        -> Result<(), Error>;
}

/// A suspended caller.
#[derive(Clone, Copy)]
struct Frame {
    ip: *const Op,
    fp: usize,
    func: *const CompiledFunc,
    instance: u32,
}

/// Calls store function `func` with `slots` holding the params on entry and
/// the results on return (`slots.len() >= max(params, results)`).
pub(crate) fn call_func(host: &mut dyn Host, func: u32, slots: &mut [u64]) -> Result<(), Error> {
    let inner = host.inner();
    let (instance, def) = match inner.funcs[func as usize] {
        FuncEntity::Host { host: h, .. } => return host.call_host(h, None, slots),
        FuncEntity::Wasm { instance, def, .. } => (instance, def),
    };
    if inner.call_nesting >= MAX_NESTING {
        return Err(TrapCode::StackOverflow.into());
    }
    inner.call_nesting += 1;
    let mut stack = core::mem::take(&mut inner.stack);
    let result = run(host, &mut stack, instance, def, slots);
    let inner = host.inner();
    inner.call_nesting -= 1;
    inner.stack = stack;
    result
}

struct Exec {
    frames: Vec<Frame>,
    max_depth: usize,
    max_stack: usize,
}

fn trap_at(
    inner: &StoreInner,
    frames: &[Frame],
    code: TrapCode,
    cur: *const CompiledFunc,
    ip: *const Op,
    instance: u32,
) -> Error {
    let mut bt = Vec::new();
    let mut push = |func: *const CompiledFunc, ip: *const Op, instance: u32| {
        // SAFETY: `func` is a live function of `instance`'s module and `ip`
        // points into (or one past) its ops.
        let f = unsafe { &*func };
        let idx = unsafe { ip.offset_from(f.ops.as_ptr()) } as usize;
        let module = &inner.instances[instance as usize].get().module.inner;
        bt.push(FrameInfo {
            func_index: f.func_index,
            func_name: module.func_names.get(&f.func_index).cloned(),
            offset: f.offsets.get(idx).copied().unwrap_or(0),
        });
    };
    push(cur, ip, instance);
    for fr in frames.iter().rev() {
        // The saved ip is the op after the call; report the call itself.
        // SAFETY: a saved ip is always one past a call op of `fr.func`.
        push(fr.func, unsafe { fr.ip.sub(1) }, fr.instance);
    }
    let mut t = Trap::new(code);
    t.set_backtrace(bt);
    t.into()
}

/// Grows the value stack so `need` slots exist, or reports overflow.
#[cold]
fn grow_stack(stack: &mut Vec<u64>, need: usize, max: usize) -> bool {
    if need > max {
        return false;
    }
    let new_len = need.max(stack.len() * 2).clamp(1024, max.max(need));
    if stack.try_reserve_exact(new_len - stack.len()).is_err() {
        return false;
    }
    stack.resize(new_len, 0);
    true
}

fn run(
    host: &mut dyn Host,
    stack: &mut Vec<u64>,
    instance: u32,
    def: u32,
    slots: &mut [u64],
) -> Result<(), Error> {
    let config = host.inner().engine.config().clone();
    let mut ex = Exec {
        frames: Vec::new(),
        max_depth: config.max_call_depth as usize,
        max_stack: config.max_value_stack,
    };
    let mut inner: *mut StoreInner = host.inner();
    // SAFETY (for every `unsafe` below that dereferences `inner`, `inst`,
    // `cur` or a cached memory/global pointer): `inner` is the store the
    // caller exclusively borrowed; it is re-derived after each host call,
    // the only place something else touches the store. Instances and the
    // modules behind `cur` live in `Pinned` cells that are never freed
    // while the store lives, so their addresses stay valid.
    let mut inst: *const InstanceEntity = unsafe { (&*inner).instances[instance as usize].ptr() };
    let mut cur_instance = instance;
    let mut cur: *const CompiledFunc = unsafe { &(&(&*inst).module.inner.code)[def as usize] };
    let entry = unsafe { &*cur };
    let need = entry.frame_size as usize;
    if stack.len() < need && !grow_stack(stack, need, ex.max_stack) {
        return Err(TrapCode::StackOverflow.into());
    }
    let np = entry.num_params as usize;
    stack[..np].copy_from_slice(&slots[..np]);
    let mut fp_off = 0usize;
    // SAFETY: `stack` holds at least `frame_size` slots from `fp_off`.
    let mut fp: *mut u64 = unsafe { init_frame(stack.as_mut_ptr(), entry) };
    let mut ip: *const Op = entry.ops.as_ptr();
    let (mut mem, mut mem_len) = unsafe { memory_of(inst) };

    // Every slot an op names is below its function's `frame_size`
    // (translation guarantees it) and every frame is entered only after the
    // stack holds `frame_size` slots from its `fp`, so `fp.add(slot)` stays
    // inside the stack allocation.
    macro_rules! r {
        ($s:expr) => {
            unsafe { *fp.add($s as usize) }
        };
    }
    macro_rules! w {
        ($s:expr, $v:expr) => {{
            let v = $v;
            unsafe { *fp.add($s as usize) = v }
        }};
    }
    macro_rules! next {
        () => {
            ip = unsafe { ip.add(1) }
        };
    }
    macro_rules! trap {
        ($code:expr) => {{
            let frames = core::mem::take(&mut ex.frames);
            #[allow(unused_unsafe)]
            let inner_ref = unsafe { &*inner };
            return Err(trap_at(inner_ref, &frames, $code, cur, ip, cur_instance));
        }};
    }
    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(code) => trap!(code),
            }
        };
    }
    macro_rules! un {
        ($dst:ident, $src:ident, $f:expr) => {{
            w!($dst, $f(r!($src)));
            next!();
        }};
    }
    macro_rules! bin {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {{
            w!($dst, $f(r!($lhs), r!($rhs)));
            next!();
        }};
    }
    macro_rules! i32bin {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(u32, u32) -> u32 = $f;
                f(a as u32, b as u32) as u64
            })
        };
    }
    macro_rules! i32cmp {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(u32, u32) -> bool = $f;
                f(a as u32, b as u32) as u64
            })
        };
    }
    macro_rules! i64cmp {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(u64, u64) -> bool = $f;
                f(a, b) as u64
            })
        };
    }
    macro_rules! f32bin {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(f32, f32) -> f32 = $f;
                f(f32::from_bits(a as u32), f32::from_bits(b as u32)).to_bits() as u64
            })
        };
    }
    macro_rules! f64bin {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(f64, f64) -> f64 = $f;
                f(f64::from_bits(a), f64::from_bits(b)).to_bits()
            })
        };
    }
    macro_rules! f32cmp {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(f32, f32) -> bool = $f;
                f(f32::from_bits(a as u32), f32::from_bits(b as u32)) as u64
            })
        };
    }
    macro_rules! f64cmp {
        ($dst:ident, $lhs:ident, $rhs:ident, $f:expr) => {
            bin!($dst, $lhs, $rhs, |a: u64, b: u64| {
                let f: fn(f64, f64) -> bool = $f;
                f(f64::from_bits(a), f64::from_bits(b)) as u64
            })
        };
    }
    macro_rules! f32un {
        ($dst:ident, $src:ident, $f:expr) => {
            un!($dst, $src, |a: u64| {
                let f: fn(f32) -> f32 = $f;
                f(f32::from_bits(a as u32)).to_bits() as u64
            })
        };
    }
    macro_rules! f64un {
        ($dst:ident, $src:ident, $f:expr) => {
            un!($dst, $src, |a: u64| {
                let f: fn(f64) -> f64 = $f;
                f(f64::from_bits(a)).to_bits()
            })
        };
    }
    macro_rules! addr {
        ($addr:ident, $offset:ident, $n:expr) => {{
            let ea = (r!($addr) as u32 as u64) + $offset as u64;
            if ea + $n > mem_len as u64 {
                trap!(TrapCode::MemoryOutOfBounds);
            }
            // SAFETY: `ea + n <= mem_len`, the accessible length of the
            // memory at `mem`.
            unsafe { mem.add(ea as usize) }
        }};
    }
    macro_rules! load {
        ($dst:ident, $addr:ident, $offset:ident, $t:ty, $conv:expr) => {{
            let p = addr!($addr, $offset, core::mem::size_of::<$t>() as u64);
            let v = <$t>::from_le(unsafe { ptr::read_unaligned(p as *const $t) });
            let conv: fn($t) -> u64 = $conv;
            w!($dst, conv(v));
            next!();
        }};
    }
    macro_rules! store {
        ($addr:ident, $value:ident, $offset:ident, $t:ty) => {{
            let p = addr!($addr, $offset, core::mem::size_of::<$t>() as u64);
            let v = r!($value) as $t;
            unsafe { ptr::write_unaligned(p as *mut $t, v.to_le()) };
            next!();
        }};
    }
    macro_rules! switch_instance {
        ($idx:expr) => {{
            let idx = $idx;
            if idx != cur_instance {
                cur_instance = idx;
                inst = unsafe { (&*inner).instances[idx as usize].ptr() };
                (mem, mem_len) = unsafe { memory_of(inst) };
            }
        }};
    }
    // Enters `callee` with its frame at `new_fp`, returning to `ret_ip`.
    macro_rules! enter {
        ($callee:expr, $new_fp:expr, $ret_ip:expr, $callee_instance:expr) => {{
            let callee: *const CompiledFunc = $callee;
            let new_fp: usize = $new_fp;
            let need = new_fp + unsafe { (&*callee).frame_size } as usize;
            if ex.frames.len() >= ex.max_depth
                || (need > stack.len() && !grow_stack(stack, need, ex.max_stack))
            {
                trap!(TrapCode::StackOverflow);
            }
            ex.frames.push(Frame {
                ip: $ret_ip,
                fp: fp_off,
                func: cur,
                instance: cur_instance,
            });
            switch_instance!($callee_instance);
            fp_off = new_fp;
            cur = callee;
            // SAFETY: the stack holds `need` slots, checked above.
            fp = unsafe { init_frame(stack.as_mut_ptr().add(fp_off), &*callee) };
            ip = unsafe { (&*callee).ops.as_ptr() };
        }};
    }
    // Calls store function `f` with its frame/slots at `base`.
    macro_rules! call_store_func {
        ($f:expr, $base:expr) => {{
            let f: u32 = $f;
            let base = $base as usize;
            let ret_ip = unsafe { ip.add(1) };
            match unsafe { &(&*inner).funcs[f as usize] } {
                FuncEntity::Wasm { instance, def, .. } => {
                    let (instance, def) = (*instance, *def);
                    let target = unsafe { (&*inner).instances[instance as usize].ptr() };
                    let callee = unsafe { &(&(&*target).module.inner.code)[def as usize] };
                    enter!(callee, fp_off + base, ret_ip, instance);
                }
                FuncEntity::Host { host: h, type_id } => {
                    let h = *h;
                    let ty = unsafe { (&*inner).engine.type_of(*type_id) };
                    let n = ty.params().len().max(ty.results().len());
                    let start = fp_off + base;
                    if start + n > stack.len() && !grow_stack(stack, start + n, ex.max_stack) {
                        trap!(TrapCode::StackOverflow);
                    }
                    let res = host.call_host(h, Some(cur_instance), &mut stack[start..start + n]);
                    inner = host.inner();
                    inst = unsafe { (&*inner).instances[cur_instance as usize].ptr() };
                    (mem, mem_len) = unsafe { memory_of(inst) };
                    fp = unsafe { stack.as_mut_ptr().add(fp_off) };
                    res?;
                    ip = ret_ip;
                }
            }
        }};
    }
    macro_rules! ret {
        () => {{
            match ex.frames.pop() {
                Some(fr) => {
                    switch_instance!(fr.instance);
                    ip = fr.ip;
                    fp_off = fr.fp;
                    cur = fr.func;
                    fp = unsafe { stack.as_mut_ptr().add(fp_off) };
                }
                None => break,
            }
        }};
    }
    macro_rules! extra {
        () => {
            match unsafe { *ip.add(1) } {
                Op::Extra { a, b } => (a, b),
                _ => unreachable!("translator always emits Extra here"),
            }
        };
    }

    loop {
        let op = unsafe { *ip };
        match op {
            Op::Unreachable {} => trap!(TrapCode::Unreachable),
            Op::Extra { .. } => unreachable!("Extra is skipped by its op"),
            Op::Br { offset } => ip = unsafe { ip.offset(offset as isize) },
            Op::BrIfNez { cond, offset } => {
                if r!(cond) as u32 != 0 {
                    ip = unsafe { ip.offset(offset as isize) };
                } else {
                    next!();
                }
            }
            Op::BrIfEqz { cond, offset } => {
                if r!(cond) as u32 == 0 {
                    ip = unsafe { ip.offset(offset as isize) };
                } else {
                    next!();
                }
            }
            Op::BrTable { index, len } => {
                let i = (r!(index) as u32).min(len);
                ip = unsafe { ip.add(1 + i as usize) };
            }
            Op::Return {} => ret!(),
            Op::Return1 { src } => {
                w!(0, r!(src));
                ret!();
            }
            Op::ReturnN { src, n } => {
                for i in 0..n as usize {
                    w!(i, r!(src as usize + i));
                }
                ret!();
            }
            Op::Call { base, func } => {
                let callee = unsafe { &(&(&*inst).module.inner.code)[func as usize] };
                let ret_ip = unsafe { ip.add(1) };
                enter!(callee, fp_off + base as usize, ret_ip, cur_instance);
            }
            Op::CallImport { base, func } => {
                let f = unsafe { (&(&*inst).funcs)[func as usize] };
                call_store_func!(f, base);
            }
            Op::CallIndirect {
                index,
                base,
                type_index,
            } => {
                let (table, _) = extra!();
                next!();
                let i = r!(index) as u32;
                let f = unsafe {
                    let t = (&(&*inst).table_ptrs)[table as usize];
                    if i >= (*t).length {
                        trap!(TrapCode::UndefinedElement);
                    }
                    *(*t).base.add(i as usize)
                };
                if f == 0 {
                    trap!(TrapCode::UninitializedElement);
                }
                let f = (f - 1) as u32;
                let expected = unsafe { (&(&*inst).module.inner.type_ids)[type_index as usize] };
                if unsafe { (&(&*inner).funcs)[f as usize].type_id() } != expected {
                    trap!(TrapCode::BadSignature);
                }
                call_store_func!(f, base);
            }
            Op::Copy { dst, src } => un!(dst, src, |v| v),
            Op::Select { dst, cond, a, b } => {
                let v = if r!(cond) as u32 != 0 { r!(a) } else { r!(b) };
                w!(dst, v);
                next!();
            }
            Op::GlobalGet { dst, global } => {
                w!(dst, unsafe { *(&(&*inst).global_ptrs)[global as usize] });
                next!();
            }
            Op::GlobalSet { src, global } => {
                let v = r!(src);
                unsafe { *(&(&*inst).global_ptrs)[global as usize] = v };
                next!();
            }
            Op::RefFunc { dst, func } => {
                w!(dst, unsafe { (&(&*inst).funcs)[func as usize] } as u64 + 1);
                next!();
            }
            Op::I32Load { dst, addr, offset } => load!(dst, addr, offset, u32, |v| v as u64),
            Op::I64Load { dst, addr, offset } => load!(dst, addr, offset, u64, |v| v),
            Op::F32Load { dst, addr, offset } => load!(dst, addr, offset, u32, |v| v as u64),
            Op::F64Load { dst, addr, offset } => load!(dst, addr, offset, u64, |v| v),
            Op::I32Load8S { dst, addr, offset } => {
                load!(dst, addr, offset, u8, |v| v as i8 as i32 as u32 as u64)
            }
            Op::I32Load8U { dst, addr, offset } => load!(dst, addr, offset, u8, |v| v as u64),
            Op::I32Load16S { dst, addr, offset } => {
                load!(dst, addr, offset, u16, |v| v as i16 as i32 as u32 as u64)
            }
            Op::I32Load16U { dst, addr, offset } => load!(dst, addr, offset, u16, |v| v as u64),
            Op::I64Load8S { dst, addr, offset } => {
                load!(dst, addr, offset, u8, |v| v as i8 as i64 as u64)
            }
            Op::I64Load8U { dst, addr, offset } => load!(dst, addr, offset, u8, |v| v as u64),
            Op::I64Load16S { dst, addr, offset } => {
                load!(dst, addr, offset, u16, |v| v as i16 as i64 as u64)
            }
            Op::I64Load16U { dst, addr, offset } => load!(dst, addr, offset, u16, |v| v as u64),
            Op::I64Load32S { dst, addr, offset } => {
                load!(dst, addr, offset, u32, |v| v as i32 as i64 as u64)
            }
            Op::I64Load32U { dst, addr, offset } => load!(dst, addr, offset, u32, |v| v as u64),
            Op::I32Store {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u32),
            Op::I64Store {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u64),
            Op::F32Store {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u32),
            Op::F64Store {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u64),
            Op::I32Store8 {
                addr,
                value,
                offset,
            }
            | Op::I64Store8 {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u8),
            Op::I32Store16 {
                addr,
                value,
                offset,
            }
            | Op::I64Store16 {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u16),
            Op::I64Store32 {
                addr,
                value,
                offset,
            } => store!(addr, value, offset, u32),
            Op::MemorySize { dst } => {
                w!(dst, mem_len as u64 / crate::WASM_PAGE_SIZE);
                next!();
            }
            Op::MemoryGrow { dst, delta } => {
                let delta = r!(delta) as u32;
                let res = unsafe {
                    let m = (&(&*inst).memories)[0];
                    (*(&*inner).memories[m as usize].ptr()).grow(delta)
                };
                (mem, mem_len) = unsafe { memory_of(inst) };
                w!(dst, res.map_or(u32::MAX, |old| old) as u64);
                next!();
            }
            Op::MemoryFill { dst, value, len } => {
                let (d, v, n) = (
                    r!(dst) as u32 as u64,
                    r!(value) as u8,
                    r!(len) as u32 as u64,
                );
                if d + n > mem_len as u64 {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
                // SAFETY: `d + n <= mem_len`.
                unsafe { ptr::write_bytes(mem.add(d as usize), v, n as usize) };
                next!();
            }
            Op::MemoryCopy { dst, src, len } => {
                let (d, s, n) = (
                    r!(dst) as u32 as u64,
                    r!(src) as u32 as u64,
                    r!(len) as u32 as u64,
                );
                if d + n > mem_len as u64 || s + n > mem_len as u64 {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
                // SAFETY: both ranges lie inside memory; `copy` allows overlap.
                unsafe { ptr::copy(mem.add(s as usize), mem.add(d as usize), n as usize) };
                next!();
            }
            Op::MemoryInit { dst, src, len } => {
                let (seg, _) = extra!();
                let (d, s, n) = (
                    r!(dst) as u32 as u64,
                    r!(src) as u32 as u64,
                    r!(len) as u32 as u64,
                );
                let bytes: &[u8] = unsafe {
                    if (&(&*inst).data_dropped)[seg as usize] {
                        &[]
                    } else {
                        &(&(&*inst).module.inner.datas)[seg as usize].bytes
                    }
                };
                if d + n > mem_len as u64 || s + n > bytes.len() as u64 {
                    trap!(TrapCode::MemoryOutOfBounds);
                }
                // SAFETY: both ranges checked above; a data segment never
                // aliases linear memory.
                unsafe {
                    ptr::copy_nonoverlapping(
                        bytes.as_ptr().add(s as usize),
                        mem.add(d as usize),
                        n as usize,
                    )
                };
                ip = unsafe { ip.add(2) };
            }
            Op::DataDrop { segment } => {
                unsafe {
                    let i = &mut *(inst as *mut InstanceEntity);
                    i.data_dropped[segment as usize] = true;
                }
                next!();
            }
            Op::TableGet { dst, index, table } => {
                let i = r!(index) as u32;
                let v = unsafe {
                    let t = (&(&*inst).table_ptrs)[table as usize];
                    if i >= (*t).length {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    *(*t).base.add(i as usize)
                };
                w!(dst, v);
                next!();
            }
            Op::TableSet {
                index,
                value,
                table,
            } => {
                let i = r!(index) as u32;
                let v = r!(value);
                unsafe {
                    let t = (&(&*inst).table_ptrs)[table as usize];
                    if i >= (*t).length {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    *(*t).base.add(i as usize) = v;
                }
                next!();
            }
            Op::TableSize { dst, table } => {
                let n = unsafe { (*(&(&*inst).table_ptrs)[table as usize]).length };
                w!(dst, n as u64);
                next!();
            }
            Op::TableGrow {
                dst,
                init,
                delta,
                table,
            } => {
                let (init, delta) = (r!(init), r!(delta) as u32);
                let res = unsafe {
                    let t = (&(&*inst).tables)[table as usize];
                    (*(&*inner).tables[t as usize].ptr()).grow(delta, init)
                };
                w!(dst, res.map_or(u32::MAX, |old| old) as u64);
                next!();
            }
            Op::TableFill {
                dst,
                value,
                len,
                table,
            } => {
                let (d, v, n) = (r!(dst) as u32, r!(value), r!(len) as u32);
                unsafe {
                    let t = &mut *(&(&*inst).table_ptrs)[table as usize];
                    if d as u64 + n as u64 > t.length as u64 {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    core::slice::from_raw_parts_mut(t.base.add(d as usize), n as usize).fill(v);
                }
                next!();
            }
            Op::TableCopy { dst, src, len } => {
                let (dt, st) = extra!();
                let (d, s, n) = (r!(dst) as u32 as u64, r!(src) as u32 as u64, r!(len) as u32);
                unsafe {
                    let dtab = &*(&(&*inst).table_ptrs)[dt as usize];
                    let stab = &*(&(&*inst).table_ptrs)[st as usize];
                    if d + n as u64 > dtab.length as u64 || s + n as u64 > stab.length as u64 {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    ptr::copy(
                        stab.base.add(s as usize),
                        dtab.base.add(d as usize),
                        n as usize,
                    );
                }
                ip = unsafe { ip.add(2) };
            }
            Op::TableInit { dst, src, len } => {
                let (seg, table) = extra!();
                let (d, s, n) = (r!(dst) as u32 as u64, r!(src) as u32 as u64, r!(len) as u32);
                unsafe {
                    let t = &*(&(&*inst).table_ptrs)[table as usize];
                    let items = &(&(&*inst).elems)[seg as usize];
                    if d + n as u64 > t.length as u64 || s + n as u64 > items.len() as u64 {
                        trap!(TrapCode::TableOutOfBounds);
                    }
                    ptr::copy_nonoverlapping(
                        items.as_ptr().add(s as usize),
                        t.base.add(d as usize),
                        n as usize,
                    );
                }
                ip = unsafe { ip.add(2) };
            }
            Op::ElemDrop { segment } => {
                unsafe {
                    let i = &mut *(inst as *mut InstanceEntity);
                    i.elems[segment as usize] = Default::default();
                }
                next!();
            }

            Op::I32Eqz { dst, src } => un!(dst, src, |a: u64| (a as u32 == 0) as u64),
            Op::I32Eq { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a == b),
            Op::I32Ne { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a != b),
            Op::I32LtS { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| (a as i32) < b as i32),
            Op::I32LtU { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a < b),
            Op::I32GtS { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a as i32 > b as i32),
            Op::I32GtU { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a > b),
            Op::I32LeS { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a as i32 <= b as i32),
            Op::I32LeU { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a <= b),
            Op::I32GeS { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a as i32 >= b as i32),
            Op::I32GeU { dst, lhs, rhs } => i32cmp!(dst, lhs, rhs, |a, b| a >= b),
            Op::I64Eqz { dst, src } => un!(dst, src, |a: u64| (a == 0) as u64),
            Op::I64Eq { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a == b),
            Op::I64Ne { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a != b),
            Op::I64LtS { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| (a as i64) < b as i64),
            Op::I64LtU { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a < b),
            Op::I64GtS { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a as i64 > b as i64),
            Op::I64GtU { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a > b),
            Op::I64LeS { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a as i64 <= b as i64),
            Op::I64LeU { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a <= b),
            Op::I64GeS { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a as i64 >= b as i64),
            Op::I64GeU { dst, lhs, rhs } => i64cmp!(dst, lhs, rhs, |a, b| a >= b),
            Op::F32Eq { dst, lhs, rhs } => f32cmp!(dst, lhs, rhs, |a, b| a == b),
            Op::F32Ne { dst, lhs, rhs } => f32cmp!(dst, lhs, rhs, |a, b| a != b),
            Op::F32Lt { dst, lhs, rhs } => f32cmp!(dst, lhs, rhs, |a, b| a < b),
            Op::F32Gt { dst, lhs, rhs } => f32cmp!(dst, lhs, rhs, |a, b| a > b),
            Op::F32Le { dst, lhs, rhs } => f32cmp!(dst, lhs, rhs, |a, b| a <= b),
            Op::F32Ge { dst, lhs, rhs } => f32cmp!(dst, lhs, rhs, |a, b| a >= b),
            Op::F64Eq { dst, lhs, rhs } => f64cmp!(dst, lhs, rhs, |a, b| a == b),
            Op::F64Ne { dst, lhs, rhs } => f64cmp!(dst, lhs, rhs, |a, b| a != b),
            Op::F64Lt { dst, lhs, rhs } => f64cmp!(dst, lhs, rhs, |a, b| a < b),
            Op::F64Gt { dst, lhs, rhs } => f64cmp!(dst, lhs, rhs, |a, b| a > b),
            Op::F64Le { dst, lhs, rhs } => f64cmp!(dst, lhs, rhs, |a, b| a <= b),
            Op::F64Ge { dst, lhs, rhs } => f64cmp!(dst, lhs, rhs, |a, b| a >= b),

            Op::I32Clz { dst, src } => un!(dst, src, |a: u64| (a as u32).leading_zeros() as u64),
            Op::I32Ctz { dst, src } => un!(dst, src, |a: u64| (a as u32).trailing_zeros() as u64),
            Op::I32Popcnt { dst, src } => un!(dst, src, |a: u64| (a as u32).count_ones() as u64),
            Op::I32Add { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.wrapping_add(b)),
            Op::I32Sub { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.wrapping_sub(b)),
            Op::I32Mul { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.wrapping_mul(b)),
            Op::I32DivS { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs) as i32, r!(rhs) as i32);
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                if a == i32::MIN && b == -1 {
                    trap!(TrapCode::IntegerOverflow);
                }
                w!(dst, (a / b) as u32 as u64);
                next!();
            }
            Op::I32DivU { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs) as u32, r!(rhs) as u32);
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                w!(dst, (a / b) as u64);
                next!();
            }
            Op::I32RemS { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs) as i32, r!(rhs) as i32);
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                w!(dst, a.wrapping_rem(b) as u32 as u64);
                next!();
            }
            Op::I32RemU { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs) as u32, r!(rhs) as u32);
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                w!(dst, (a % b) as u64);
                next!();
            }
            Op::I32And { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a & b),
            Op::I32Or { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a | b),
            Op::I32Xor { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a ^ b),
            Op::I32Shl { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.wrapping_shl(b)),
            Op::I32ShrS { dst, lhs, rhs } => {
                i32bin!(dst, lhs, rhs, |a, b| (a as i32).wrapping_shr(b) as u32)
            }
            Op::I32ShrU { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.wrapping_shr(b)),
            Op::I32Rotl { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.rotate_left(b)),
            Op::I32Rotr { dst, lhs, rhs } => i32bin!(dst, lhs, rhs, |a, b| a.rotate_right(b)),
            Op::I64Clz { dst, src } => un!(dst, src, |a: u64| a.leading_zeros() as u64),
            Op::I64Ctz { dst, src } => un!(dst, src, |a: u64| a.trailing_zeros() as u64),
            Op::I64Popcnt { dst, src } => un!(dst, src, |a: u64| a.count_ones() as u64),
            Op::I64Add { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b| a.wrapping_add(b)),
            Op::I64Sub { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b| a.wrapping_sub(b)),
            Op::I64Mul { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b| a.wrapping_mul(b)),
            Op::I64DivS { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs) as i64, r!(rhs) as i64);
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                if a == i64::MIN && b == -1 {
                    trap!(TrapCode::IntegerOverflow);
                }
                w!(dst, (a / b) as u64);
                next!();
            }
            Op::I64DivU { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs), r!(rhs));
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                w!(dst, a / b);
                next!();
            }
            Op::I64RemS { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs) as i64, r!(rhs) as i64);
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                w!(dst, a.wrapping_rem(b) as u64);
                next!();
            }
            Op::I64RemU { dst, lhs, rhs } => {
                let (a, b) = (r!(lhs), r!(rhs));
                if b == 0 {
                    trap!(TrapCode::IntegerDivisionByZero);
                }
                w!(dst, a % b);
                next!();
            }
            Op::I64And { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b| a & b),
            Op::I64Or { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b| a | b),
            Op::I64Xor { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b| a ^ b),
            Op::I64Shl { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a: u64, b: u64| a.wrapping_shl(b as u32))
            }
            Op::I64ShrS { dst, lhs, rhs } => {
                bin!(
                    dst,
                    lhs,
                    rhs,
                    |a: u64, b: u64| (a as i64).wrapping_shr(b as u32) as u64
                )
            }
            Op::I64ShrU { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a: u64, b: u64| a.wrapping_shr(b as u32))
            }
            Op::I64Rotl { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a: u64, b: u64| a
                    .rotate_left((b & 63) as u32))
            }
            Op::I64Rotr { dst, lhs, rhs } => {
                bin!(dst, lhs, rhs, |a: u64, b: u64| a
                    .rotate_right((b & 63) as u32))
            }

            Op::F32Abs { dst, src } => un!(dst, src, |a: u64| a & 0x7fff_ffff),
            Op::F32Neg { dst, src } => un!(dst, src, |a: u64| (a as u32 ^ 0x8000_0000) as u64),
            Op::F32Ceil { dst, src } => f32un!(dst, src, num::f32_ceil),
            Op::F32Floor { dst, src } => f32un!(dst, src, num::f32_floor),
            Op::F32Trunc { dst, src } => f32un!(dst, src, num::f32_trunc),
            Op::F32Nearest { dst, src } => f32un!(dst, src, num::f32_nearest),
            Op::F32Sqrt { dst, src } => f32un!(dst, src, num::f32_sqrt),
            Op::F32Add { dst, lhs, rhs } => f32bin!(dst, lhs, rhs, |a, b| a + b),
            Op::F32Sub { dst, lhs, rhs } => f32bin!(dst, lhs, rhs, |a, b| a - b),
            Op::F32Mul { dst, lhs, rhs } => f32bin!(dst, lhs, rhs, |a, b| a * b),
            Op::F32Div { dst, lhs, rhs } => f32bin!(dst, lhs, rhs, |a, b| a / b),
            Op::F32Min { dst, lhs, rhs } => f32bin!(dst, lhs, rhs, num::f32_min),
            Op::F32Max { dst, lhs, rhs } => f32bin!(dst, lhs, rhs, num::f32_max),
            Op::F32Copysign { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b: u64| {
                ((a as u32 & 0x7fff_ffff) | (b as u32 & 0x8000_0000)) as u64
            }),
            Op::F64Abs { dst, src } => un!(dst, src, |a: u64| a & 0x7fff_ffff_ffff_ffff),
            Op::F64Neg { dst, src } => un!(dst, src, |a: u64| a ^ 0x8000_0000_0000_0000),
            Op::F64Ceil { dst, src } => f64un!(dst, src, num::f64_ceil),
            Op::F64Floor { dst, src } => f64un!(dst, src, num::f64_floor),
            Op::F64Trunc { dst, src } => f64un!(dst, src, num::f64_trunc),
            Op::F64Nearest { dst, src } => f64un!(dst, src, num::f64_nearest),
            Op::F64Sqrt { dst, src } => f64un!(dst, src, num::f64_sqrt),
            Op::F64Add { dst, lhs, rhs } => f64bin!(dst, lhs, rhs, |a, b| a + b),
            Op::F64Sub { dst, lhs, rhs } => f64bin!(dst, lhs, rhs, |a, b| a - b),
            Op::F64Mul { dst, lhs, rhs } => f64bin!(dst, lhs, rhs, |a, b| a * b),
            Op::F64Div { dst, lhs, rhs } => f64bin!(dst, lhs, rhs, |a, b| a / b),
            Op::F64Min { dst, lhs, rhs } => f64bin!(dst, lhs, rhs, num::f64_min),
            Op::F64Max { dst, lhs, rhs } => f64bin!(dst, lhs, rhs, num::f64_max),
            Op::F64Copysign { dst, lhs, rhs } => bin!(dst, lhs, rhs, |a: u64, b: u64| {
                (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000)
            }),

            Op::I32WrapI64 { dst, src } => un!(dst, src, |a: u64| a as u32 as u64),
            Op::I32TruncF32S { dst, src } => {
                let v = tri!(num::i32_trunc_f32_s(f32::from_bits(r!(src) as u32)));
                w!(dst, v as u32 as u64);
                next!();
            }
            Op::I32TruncF32U { dst, src } => {
                let v = tri!(num::i32_trunc_f32_u(f32::from_bits(r!(src) as u32)));
                w!(dst, v as u64);
                next!();
            }
            Op::I32TruncF64S { dst, src } => {
                let v = tri!(num::i32_trunc_f64_s(f64::from_bits(r!(src))));
                w!(dst, v as u32 as u64);
                next!();
            }
            Op::I32TruncF64U { dst, src } => {
                let v = tri!(num::i32_trunc_f64_u(f64::from_bits(r!(src))));
                w!(dst, v as u64);
                next!();
            }
            Op::I64ExtendI32S { dst, src } => un!(dst, src, |a: u64| a as i32 as i64 as u64),
            Op::I64ExtendI32U { dst, src } => un!(dst, src, |a: u64| a as u32 as u64),
            Op::I64TruncF32S { dst, src } => {
                let v = tri!(num::i64_trunc_f32_s(f32::from_bits(r!(src) as u32)));
                w!(dst, v as u64);
                next!();
            }
            Op::I64TruncF32U { dst, src } => {
                let v = tri!(num::i64_trunc_f32_u(f32::from_bits(r!(src) as u32)));
                w!(dst, v);
                next!();
            }
            Op::I64TruncF64S { dst, src } => {
                let v = tri!(num::i64_trunc_f64_s(f64::from_bits(r!(src))));
                w!(dst, v as u64);
                next!();
            }
            Op::I64TruncF64U { dst, src } => {
                let v = tri!(num::i64_trunc_f64_u(f64::from_bits(r!(src))));
                w!(dst, v);
                next!();
            }
            Op::F32ConvertI32S { dst, src } => {
                un!(dst, src, |a: u64| (a as i32 as f32).to_bits() as u64)
            }
            Op::F32ConvertI32U { dst, src } => {
                un!(dst, src, |a: u64| (a as u32 as f32).to_bits() as u64)
            }
            Op::F32ConvertI64S { dst, src } => {
                un!(dst, src, |a: u64| (a as i64 as f32).to_bits() as u64)
            }
            Op::F32ConvertI64U { dst, src } => un!(dst, src, |a: u64| (a as f32).to_bits() as u64),
            Op::F32DemoteF64 { dst, src } => {
                un!(dst, src, |a: u64| (f64::from_bits(a) as f32).to_bits()
                    as u64)
            }
            Op::F64ConvertI32S { dst, src } => {
                un!(dst, src, |a: u64| (a as i32 as f64).to_bits())
            }
            Op::F64ConvertI32U { dst, src } => {
                un!(dst, src, |a: u64| (a as u32 as f64).to_bits())
            }
            Op::F64ConvertI64S { dst, src } => {
                un!(dst, src, |a: u64| (a as i64 as f64).to_bits())
            }
            Op::F64ConvertI64U { dst, src } => un!(dst, src, |a: u64| (a as f64).to_bits()),
            Op::F64PromoteF32 { dst, src } => {
                un!(dst, src, |a: u64| (f32::from_bits(a as u32) as f64)
                    .to_bits())
            }
            Op::I32Extend8S { dst, src } => un!(dst, src, |a: u64| a as i8 as i32 as u32 as u64),
            Op::I32Extend16S { dst, src } => {
                un!(dst, src, |a: u64| a as i16 as i32 as u32 as u64)
            }
            Op::I64Extend8S { dst, src } => un!(dst, src, |a: u64| a as i8 as i64 as u64),
            Op::I64Extend16S { dst, src } => un!(dst, src, |a: u64| a as i16 as i64 as u64),
            Op::I64Extend32S { dst, src } => un!(dst, src, |a: u64| a as i32 as i64 as u64),
            // Rust's float-to-int `as` saturates and maps NaN to 0, which is
            // exactly the `trunc_sat` semantics.
            Op::I32TruncSatF32S { dst, src } => {
                un!(dst, src, |a: u64| f32::from_bits(a as u32) as i32 as u32
                    as u64)
            }
            Op::I32TruncSatF32U { dst, src } => {
                un!(dst, src, |a: u64| f32::from_bits(a as u32) as u32 as u64)
            }
            Op::I32TruncSatF64S { dst, src } => {
                un!(dst, src, |a: u64| f64::from_bits(a) as i32 as u32 as u64)
            }
            Op::I32TruncSatF64U { dst, src } => {
                un!(dst, src, |a: u64| f64::from_bits(a) as u32 as u64)
            }
            Op::I64TruncSatF32S { dst, src } => {
                un!(dst, src, |a: u64| f32::from_bits(a as u32) as i64 as u64)
            }
            Op::I64TruncSatF32U { dst, src } => {
                un!(dst, src, |a: u64| f32::from_bits(a as u32) as u64)
            }
            Op::I64TruncSatF64S { dst, src } => {
                un!(dst, src, |a: u64| f64::from_bits(a) as i64 as u64)
            }
            Op::I64TruncSatF64U { dst, src } => un!(dst, src, |a: u64| f64::from_bits(a) as u64),
        }
    }
    // The entry frame sits at slot 0 and its results were returned there.
    let n = slots.len();
    slots.copy_from_slice(&stack[..n]);
    Ok(())
}

/// Zeroes the declared locals and loads the constants of a frame at `fp`.
///
/// # Safety
/// `fp` must point to at least `f.frame_size` writable slots.
unsafe fn init_frame(fp: *mut u64, f: &CompiledFunc) -> *mut u64 {
    let np = f.num_params as usize;
    let nl = f.num_locals as usize;
    // SAFETY: locals and constants lie below `frame_size` (caller's promise).
    unsafe {
        ptr::write_bytes(fp.add(np), 0, nl - np);
        ptr::copy_nonoverlapping(
            f.consts.as_ptr(),
            fp.add(f.const_base as usize),
            f.consts.len(),
        );
    }
    fp
}

/// The cached base and length of an instance's memory 0.
///
/// # Safety
/// `inst` must point to a live instance.
unsafe fn memory_of(inst: *const InstanceEntity) -> (*mut u8, usize) {
    // SAFETY: the caller's promise; `vmctx.memory` is null or points to the
    // `VmMemory` of a live memory of the same store.
    unsafe {
        let m = (&*inst).vmctx.memory;
        if m.is_null() {
            (ptr::null_mut(), 0)
        } else {
            ((&*m).base, (&*m).length)
        }
    }
}
