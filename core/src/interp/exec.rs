//! The executor: runs [`crate::ir`] code on an explicit frame stack.
//!
//! Every op has its own handler function. A handler does its op's work and
//! then dispatches the next op itself: with `wasmbed_tail_dispatch` (set by
//! `build.rs` for optimised x86-64/AArch64 builds) it tail-calls the next
//! handler, which LLVM compiles to a jump, so each op ends in its own
//! indirect branch and the hot state (`ip`, `fp`, memory base and length)
//! stays in registers; otherwise it returns to a small driver loop. Either
//! way the host stack does not grow with the number of ops executed.
//!
//! A wasm call pushes a [`Frame`] and never recurses on the host stack, so
//! deep recursion ends in `TrapCode::StackOverflow`; only host→wasm re-entry
//! nests, bounded by [`MAX_NESTING`].
//!
//! This module owns dispatch and the frame/stack protocol; it decides
//! nothing about translation (see `translate`) or linking.
//!
//! # Safety
//! Handlers work on raw pointers whose validity rests on these invariants,
//! which every `unsafe` block in this file relies on:
//! - `ip` points at an op of the function `ctx.cur`, whose module stays
//!   alive while its instance does (instances live as long as the store);
//! - every slot an op names is below its function's `frame_size`
//!   (translation guarantees it), and a frame is entered only after the
//!   value stack holds `frame_size` slots from its `fp`, so `fp.add(slot)`
//!   is inside `ctx.stack`; `fp` is re-derived whenever the stack may move;
//! - `mem`/`len` describe the current instance's memory 0 and are reloaded
//!   after anything that may grow or move it (calls across instances, host
//!   calls, `memory.grow`);
//! - `ctx.inner` points to the store the caller exclusively borrowed; it is
//!   re-derived after every host call, the only place where other code
//!   touches the store during execution.
use crate::error::Error;
use crate::interp::num;
use crate::ir::{CompiledFunc, Op, OP_COUNT};
use crate::module::LazyFunc;
use crate::platform::Clock;
use crate::store::{FuncEntity, InstanceEntity, StoreInner};
use crate::vm::context::VmTable;
use crate::vm::trap::{FrameInfo, Trap, TrapCode};
use alloc::vec::Vec;
use core::hint::unreachable_unchecked;
use core::ptr;
use core::sync::atomic::{AtomicU32, Ordering};

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
    /// Asks the store's resource limiter whether memory `index` (a store
    /// index) may grow by `delta` pages. `Err` stops the run (the limiter
    /// panicked: the panic travels out as an error and is resumed where
    /// the embedder called in).
    fn memory_may_grow(&mut self, index: u32, delta: u32) -> Result<bool, Error>;
    /// Asks the store's resource limiter whether table `index` may grow.
    fn table_may_grow(&mut self, index: u32, delta: u32) -> Result<bool, Error>;
}

/// A suspended caller.
#[derive(Clone, Copy)]
struct Frame {
    /// Where to continue in the caller.
    ip: Ip,
    /// The caller's frame, as a slot offset into the value stack.
    fp: usize,
    func: *const CompiledFunc,
    instance: u32,
}

/// Calls store function `func` with `slots` holding the params on entry and
/// the results on return (`slots.len() >= max(params, results)`).
///
/// This is where the embedder's calls enter wasm, so it is also where a
/// host panic caught during the run (see `Error::take_panic`) resumes
/// unwinding on the host side: the store is consistent again by then.
pub(crate) fn call_func(host: &mut dyn Host, func: u32, slots: &mut [u64]) -> Result<(), Error> {
    let result = call_func_inner(host, func, slots);
    #[cfg(feature = "std")]
    if let Err(e) = &result {
        if let Some(payload) = e.take_panic() {
            std::panic::resume_unwind(payload);
        }
    }
    result
}

fn call_func_inner(host: &mut dyn Host, func: u32, slots: &mut [u64]) -> Result<(), Error> {
    let inner = host.inner();
    let (instance, def) = match inner.funcs[func as usize] {
        FuncEntity::Host { host: h, .. } => return host.call_host(h, None, slots),
        FuncEntity::Wasm { instance, def, .. } => (instance, def),
    };
    if inner.call_nesting >= MAX_NESTING {
        return Err(TrapCode::StackOverflow.into());
    }
    inner.call_nesting += 1;
    let stack = core::mem::take(&mut inner.stack);
    // Without `std` a panicking host function cannot be caught; where the
    // target unwinds anyway, this guard keeps the nesting count right so
    // the store stays usable (the value stack is simply regrown).
    let guard = NestingGuard(host as *mut dyn Host);
    // SAFETY: `guard.0` comes from the live `&mut` above; this reborrow
    // ends before the guard (or the code below) uses the pointer again.
    let (stack, result) = run(unsafe { &mut *guard.0 }, stack, instance, def, slots);
    core::mem::forget(guard);
    let inner = host.inner();
    inner.call_nesting -= 1;
    inner.stack = stack;
    result
}

/// Undoes `call_nesting += 1` if `run` unwinds.
struct NestingGuard<'h>(*mut (dyn Host + 'h));

impl Drop for NestingGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: only reached while unwinding out of `run`, whose reborrow
        // of the host ended with the unwinding frames; the host itself is
        // the caller's live `&mut`, which outlives the guard.
        unsafe { (*self.0).inner().call_nesting -= 1 };
    }
}

type Ip = *const Op;
type Fp = *mut u64;
type Mem = *mut u8;

/// How a handler chain ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Done {
    /// Loop dispatch only: run the op saved in `Ctx::ip`.
    #[cfg_attr(wasmbed_tail_dispatch, allow(dead_code))]
    Continue,
    /// The entry function returned; results are in slots `0..n`.
    Return,
    /// `Ctx::trap` says which and where.
    Trap,
    /// A host function failed; `Ctx::error` holds it.
    Error,
}

/// Execution state that is not kept in registers.
struct Ctx<'h> {
    host: *mut (dyn Host + 'h),
    inner: *mut StoreInner,
    stack: Vec<u64>,
    frames: Vec<Frame>,
    inst: *const InstanceEntity,
    instance: u32,
    /// The running function (for backtraces and frames).
    cur: *const CompiledFunc,
    /// Caches of the current instance's tables, for the hot ops.
    code: *const LazyFunc,
    globals: *const *mut u64,
    tables: *const *mut VmTable,
    max_depth: usize,
    max_stack: usize,
    trap: Option<(TrapCode, Ip)>,
    error: Option<Error>,
    /// The op whose check is being polled (for the trap location).
    poll_ip: Ip,
    /// Fuel left; mirrors `StoreInner::fuel` around host calls.
    fuel: u64,
    interrupt: *const AtomicU32,
    /// Monotonic nanoseconds, `u64::MAX` for none.
    deadline: u64,
    clock: Option<*const dyn Clock>,
    // The register state between ops in loop dispatch.
    #[cfg(not(wasmbed_tail_dispatch))]
    ip: Ip,
    #[cfg(not(wasmbed_tail_dispatch))]
    fp: Fp,
    #[cfg(not(wasmbed_tail_dispatch))]
    mem: Mem,
    #[cfg(not(wasmbed_tail_dispatch))]
    len: usize,
    #[cfg(not(wasmbed_tail_dispatch))]
    cd: isize,
}

impl Ctx<'_> {
    /// Makes instance `idx` current.
    ///
    /// # Safety
    /// `self.inner` is valid and `idx` names a live instance.
    #[inline]
    unsafe fn switch_instance(&mut self, idx: u32) {
        // SAFETY: the caller's promise; instances are never freed while the
        // store lives.
        unsafe {
            let inst = (&*self.inner).instances[idx as usize].ptr();
            let i = &*inst;
            self.inst = inst;
            self.instance = idx;
            self.code = i.module.inner.code.as_ptr();
            self.globals = i.global_ptrs.as_ptr();
            self.tables = i.table_ptrs.as_ptr();
        }
    }
}

#[cfg(target_arch = "x86_64")]
type Handler = unsafe extern "sysv64-unwind" fn(Ip, Fp, Mem, usize, isize, &mut Ctx<'_>) -> Done;
#[cfg(not(target_arch = "x86_64"))]
type Handler = unsafe fn(Ip, Fp, Mem, usize, isize, &mut Ctx<'_>) -> Done;

/// The handler of the op at `ip`.
///
/// # Safety
/// `ip` points at an op.
#[inline(always)]
unsafe fn handler_of(ip: Ip) -> Handler {
    // SAFETY: `Op` is `repr(u16)`, so its first two bytes are the tag, and
    // tags are below `OP_COUNT`, the table's length.
    unsafe { *HANDLERS.get_unchecked(*(ip as *const u16) as usize) }
}

macro_rules! handler_table {
    ($( $(#[$doc:meta])* $name:ident { $($slot:ident),* $(; $($imm:ident : $ity:ty),*)? } ),* $(,)?) => {
        static HANDLERS: [Handler; OP_COUNT] = [ $( $name ),* ];
    };
}
for_each_op!(handler_table);

/// Ends a handler by running the op at `$ip` next.
#[cfg(wasmbed_tail_dispatch)]
macro_rules! dispatch {
    ($ip:expr, $fp:expr, $mem:expr, $len:expr, $cd:expr, $ctx:expr) => {{
        let ip: Ip = $ip;
        return handler_of(ip)(ip, $fp, $mem, $len, $cd, $ctx);
    }};
}

/// Ends a handler by running the op at `$ip` next.
#[cfg(not(wasmbed_tail_dispatch))]
macro_rules! dispatch {
    ($ip:expr, $fp:expr, $mem:expr, $len:expr, $cd:expr, $ctx:expr) => {{
        let (ip, fp, mem, len, cd) = ($ip, $fp, $mem, $len, $cd);
        let ctx: &mut Ctx<'_> = $ctx;
        ctx.ip = ip;
        ctx.fp = fp;
        ctx.mem = mem;
        ctx.len = len;
        ctx.cd = cd;
        return Done::Continue;
    }};
}

macro_rules! trap {
    ($ctx:expr, $ip:expr, $code:expr) => {{
        $ctx.trap = Some(($code, $ip));
        return Done::Trap;
    }};
}

/// The check at function entries and loop back-edges of interruptible code:
/// traps with `Interrupt` when the store was interrupted or its deadline
/// passed.
macro_rules! check {
    ($ctx:ident, $cd:ident, $ip:expr, $target:expr, $fp:ident, $mem:ident, $len:ident) => {{
        $cd -= 1;
        if $cd == 0 {
            // The slow path is another handler reached by a tail call, so
            // this one stays free of calls (and of register saves).
            $ctx.poll_ip = $ip;
            return Poll($target, $fp, $mem, $len, $cd, $ctx);
        }
    }};
}

/// Defines a handler. The body runs in an `unsafe` block justified by the
/// invariants in the module docs.
macro_rules! handler {
    ($vis:vis $name:ident($ip:ident, $fp:ident, $mem:ident, $len:ident, $cd:ident, $ctx:ident) $body:block) => {
        #[cfg(target_arch = "x86_64")]
        #[allow(
            non_snake_case,
            unused_mut,
            unused_variables,
            unused_assignments,
            improper_ctypes_definitions
        )]
        $vis unsafe extern "sysv64-unwind" fn $name(
            $ip: Ip,
            mut $fp: Fp,
            mut $mem: Mem,
            mut $len: usize,
            mut $cd: isize,
            $ctx: &mut Ctx<'_>,
        ) -> Done {
            // SAFETY: see the module docs.
            #[allow(unused_unsafe)]
            unsafe {
                $body
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments)]
        $vis unsafe fn $name(
            $ip: Ip,
            mut $fp: Fp,
            mut $mem: Mem,
            mut $len: usize,
            mut $cd: isize,
            $ctx: &mut Ctx<'_>,
        ) -> Done {
            // SAFETY: see the module docs.
            #[allow(unused_unsafe)]
            unsafe {
                $body
            }
        }
    };
}

/// Binds the fields of the op at `ip`, which the handler table guarantees
/// is of the named kind.
macro_rules! fields {
    ($ip:ident, $name:ident { $($f:ident $(: $bind:ident)?),* }) => {
        let Op::$name { $($f $(: $bind)?),* } = *$ip else { unreachable_unchecked() };
    };
}

#[inline(always)]
unsafe fn get(fp: Fp, s: u16) -> u64 {
    // SAFETY: module invariants: `s` is inside the frame.
    unsafe { *fp.add(s as usize) }
}

#[inline(always)]
unsafe fn set(fp: Fp, s: u16, v: u64) {
    // SAFETY: module invariants: `s` is inside the frame.
    unsafe { *fp.add(s as usize) = v }
}

/// The typed views of a slot that op handlers compute with.
trait SlotVal: Sized {
    fn from_slot(v: u64) -> Self;
    fn into_slot(self) -> u64;
}

macro_rules! slot_val {
    ($($t:ty: |$v:ident| $from:expr, |$w:ident| $into:expr;)*) => {$(
        impl SlotVal for $t {
            #[inline(always)]
            fn from_slot($v: u64) -> Self {
                $from
            }
            #[inline(always)]
            fn into_slot(self) -> u64 {
                let $w = self;
                $into
            }
        }
    )*};
}

slot_val! {
    u32: |v| v as u32, |w| w as u64;
    i32: |v| v as u32 as i32, |w| w as u32 as u64;
    u64: |v| v, |w| w;
    i64: |v| v as i64, |w| w as u64;
    f32: |v| f32::from_bits(v as u32), |w| w.to_bits() as u64;
    f64: |v| f64::from_bits(v), |w| w.to_bits();
    bool: |v| v != 0, |w| w as u64;
}

macro_rules! unary {
    ($($name:ident: |$a:ident: $t:ty| $e:expr;)*) => {$(
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { dst, src });
            let $a = <$t as SlotVal>::from_slot(get(fp, src));
            set(fp, dst, SlotVal::into_slot($e));
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

macro_rules! binary {
    ($($name:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { dst, lhs, rhs });
            let $a = <$ta as SlotVal>::from_slot(get(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(get(fp, rhs));
            set(fp, dst, SlotVal::into_slot($e));
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

/// Ops that may trap: the expression is a `Result<_, TrapCode>`.
macro_rules! binary_trapping {
    ($($name:ident: |$a:ident: $ta:ty, $b:ident: $tb:ty| $e:expr;)*) => {$(
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { dst, lhs, rhs });
            let $a = <$ta as SlotVal>::from_slot(get(fp, lhs));
            let $b = <$tb as SlotVal>::from_slot(get(fp, rhs));
            let r: Result<_, TrapCode> = $e;
            match r {
                Ok(v) => set(fp, dst, SlotVal::into_slot(v)),
                Err(code) => trap!(ctx, ip, code),
            }
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

macro_rules! unary_trapping {
    ($($name:ident: |$a:ident: $t:ty| $e:expr;)*) => {$(
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { dst, src });
            let $a = <$t as SlotVal>::from_slot(get(fp, src));
            match $e {
                Ok(v) => set(fp, dst, SlotVal::into_slot(v)),
                Err(code) => trap!(ctx, ip, code),
            }
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

macro_rules! branch_cmp {
    ($($name:ident / $looped:ident: |$a:ident: $t:ty, $b:ident| $e:expr;)*) => {$(
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { lhs, rhs, offset });
            let $a = <$t as SlotVal>::from_slot(get(fp, lhs));
            let $b = <$t as SlotVal>::from_slot(get(fp, rhs));
            if $e {
                dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
            }
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
        handler!($looped(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $looped { lhs, rhs, offset });
            let $a = <$t as SlotVal>::from_slot(get(fp, lhs));
            let $b = <$t as SlotVal>::from_slot(get(fp, rhs));
            if $e {
                check!(ctx, cd, ip, ip.offset(offset as isize), fp, mem, len);
                dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
            }
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

/// Effective address check: `$n` bytes at `addr + offset` inside memory.
macro_rules! effective {
    ($ctx:ident, $ip:ident, $fp:ident, $mem:ident, $len:ident, $addr:ident, $offset:ident, $n:expr) => {{
        let ea = (get($fp, $addr) as u32 as u64) + $offset as u64;
        if ea + $n > $len as u64 {
            trap!($ctx, $ip, TrapCode::MemoryOutOfBounds);
        }
        $mem.add(ea as usize)
    }};
}

/// Effective address check with a scaled index: `$n` bytes at
/// `(addr << shift) + offset` (the shift wraps at 32 bits, as `i32.shl`).
macro_rules! effective_scaled {
    ($ctx:ident, $ip:ident, $fp:ident, $mem:ident, $len:ident, $addr:ident, $shift:ident, $offset:ident, $n:expr) => {{
        let ea = (((get($fp, $addr) as u32) << ($shift & 31)) as u64) + $offset as u64;
        if ea + $n > $len as u64 {
            trap!($ctx, $ip, TrapCode::MemoryOutOfBounds);
        }
        $mem.add(ea as usize)
    }};
}

/// Effective address check with a two-operand address: `$n` bytes at
/// `(base + index) + offset` (the sum wraps at 32 bits, as `i32.add`).
macro_rules! effective_added {
    ($ctx:ident, $ip:ident, $fp:ident, $mem:ident, $len:ident, $base:ident, $index:ident, $offset:ident, $n:expr) => {{
        let a = (get($fp, $base) as u32).wrapping_add(get($fp, $index) as u32);
        let ea = a as u64 + $offset as u64;
        if ea + $n > $len as u64 {
            trap!($ctx, $ip, TrapCode::MemoryOutOfBounds);
        }
        $mem.add(ea as usize)
    }};
}

/// Each load and its `Shl` (address `addr << shift`) and `Add` (address
/// `base + index`) twins.
macro_rules! loads {
    ($($name:ident / $scaled:ident / $added:ident: $t:ty => |$v:ident| $conv:expr;)*) => {$(
        handler!($added(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $added { dst, base, index, offset });
            let p = effective_added!(ctx, ip, fp, mem, len, base, index, offset, core::mem::size_of::<$t>() as u64);
            let $v = <$t>::from_le(ptr::read_unaligned(p as *const $t));
            set(fp, dst, $conv);
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { dst, addr, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            let $v = <$t>::from_le(ptr::read_unaligned(p as *const $t));
            set(fp, dst, $conv);
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
        handler!($scaled(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $scaled { dst, addr, shift, offset });
            let p = effective_scaled!(ctx, ip, fp, mem, len, addr, shift, offset, core::mem::size_of::<$t>() as u64);
            let $v = <$t>::from_le(ptr::read_unaligned(p as *const $t));
            set(fp, dst, $conv);
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

/// Each store and its `Shl` and `Add` twins.
macro_rules! stores {
    ($($name:ident / $scaled:ident / $added:ident: $t:ty;)*) => {$(
        handler!($added(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $added { base, index, value, offset });
            let p = effective_added!(ctx, ip, fp, mem, len, base, index, offset, core::mem::size_of::<$t>() as u64);
            ptr::write_unaligned(p as *mut $t, (get(fp, value) as $t).to_le());
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
        handler!($name(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $name { addr, value, offset });
            let p = effective!(ctx, ip, fp, mem, len, addr, offset, core::mem::size_of::<$t>() as u64);
            ptr::write_unaligned(p as *mut $t, (get(fp, value) as $t).to_le());
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
        handler!($scaled(ip, fp, mem, len, cd, ctx) {
            fields!(ip, $scaled { addr, value, shift, offset });
            let p = effective_scaled!(ctx, ip, fp, mem, len, addr, shift, offset, core::mem::size_of::<$t>() as u64);
            ptr::write_unaligned(p as *mut $t, (get(fp, value) as $t).to_le());
            dispatch!(ip.add(1), fp, mem, len, cd, ctx)
        });
    )*};
}

/// Enters `$callee` (of instance `$instance`) with its frame at caller slot
/// `$base`; the caller resumes at `$ret`.
macro_rules! enter {
    ($ip:ident, $fp:ident, $mem:ident, $len:ident, $cd:ident, $ctx:ident, $callee:expr, $base:expr, $instance:expr, $ret:expr) => {{
        let callee: *const CompiledFunc = $callee;
        let fp_off = $fp.offset_from($ctx.stack.as_ptr()) as usize;
        let new_fp = fp_off + $base as usize;
        let need = new_fp + (*callee).frame_size as usize;
        if $ctx.frames.len() >= $ctx.max_depth
            || (need > $ctx.stack.len() && !grow_stack(&mut $ctx.stack, need, $ctx.max_stack))
        {
            trap!($ctx, $ip, TrapCode::StackOverflow);
        }
        $ctx.frames.push(Frame {
            ip: $ret,
            fp: fp_off,
            func: $ctx.cur,
            instance: $ctx.instance,
        });
        let instance: u32 = $instance;
        if instance != $ctx.instance {
            $ctx.switch_instance(instance);
            ($mem, $len) = memory_of($ctx.inst);
        }
        $ctx.cur = callee;
        let fp = init_frame($ctx.stack.as_mut_ptr().add(new_fp), &*callee);
        dispatch!((&*callee).ops.as_ptr(), fp, $mem, $len, $cd, $ctx)
    }};
}

/// Calls store function `$f` with its slots at caller slot `$base`.
macro_rules! call_store_func {
    ($ip:ident, $fp:ident, $mem:ident, $len:ident, $cd:ident, $ctx:ident, $f:expr, $base:expr, $ret:expr) => {{
        let f: u32 = $f;
        let ret: Ip = $ret;
        match (&*$ctx.inner).funcs[f as usize] {
            FuncEntity::Wasm { instance, def, .. } => {
                // A callee of the running instance (the usual case for
                // `call_indirect`) is found in its code cache, as `Call`
                // finds its callees; only the first call of a function, or
                // one into another instance, takes the general path.
                let cached = if instance == $ctx.instance {
                    (*$ctx.code.add(def as usize)).get()
                } else {
                    None
                };
                let callee: *const CompiledFunc = match cached {
                    Some(f) => f,
                    None => {
                        let target = (&*$ctx.inner).instances[instance as usize].ptr();
                        match (&*target).module.inner.compiled(def) {
                            Ok(f) => f,
                            Err(e) => {
                                $ctx.error = Some(e);
                                return Done::Error;
                            }
                        }
                    }
                };
                enter!($ip, $fp, $mem, $len, $cd, $ctx, callee, $base, instance, ret)
            }
            FuncEntity::Host { host: h, slots, .. } => {
                let fp_off = $fp.offset_from($ctx.stack.as_ptr()) as usize;
                let start = fp_off + $base as usize;
                let end = start + slots as usize;
                if end > $ctx.stack.len() && !grow_stack(&mut $ctx.stack, end, $ctx.max_stack) {
                    trap!($ctx, $ip, TrapCode::StackOverflow);
                }
                // Host code sees and may change the store's fuel.
                (&mut *$ctx.inner).fuel = $ctx.fuel;
                let res =
                    (*$ctx.host).call_host(h, Some($ctx.instance), &mut $ctx.stack[start..end]);
                $ctx.inner = (*$ctx.host).inner();
                $ctx.fuel = (&*$ctx.inner).fuel;
                $ctx.deadline = (&*$ctx.inner).deadline.unwrap_or(u64::MAX);
                $ctx.switch_instance($ctx.instance);
                ($mem, $len) = memory_of($ctx.inst);
                let fp = $ctx.stack.as_mut_ptr().add(fp_off);
                match res {
                    Ok(()) => dispatch!(ret, fp, $mem, $len, $cd, $ctx),
                    Err(e) => {
                        $ctx.error = Some(e);
                        return Done::Error;
                    }
                }
            }
        }
    }};
}

/// Returns from the current function to its caller, or ends the run.
macro_rules! ret {
    ($mem:ident, $len:ident, $cd:ident, $ctx:ident) => {{
        match $ctx.frames.pop() {
            Some(fr) => {
                if fr.instance != $ctx.instance {
                    $ctx.switch_instance(fr.instance);
                    ($mem, $len) = memory_of($ctx.inst);
                }
                $ctx.cur = fr.func;
                let fp = $ctx.stack.as_mut_ptr().add(fr.fp);
                dispatch!(fr.ip, fp, $mem, $len, $cd, $ctx)
            }
            None => return Done::Return,
        }
    }};
}

/// The current instance's table `t`.
#[inline(always)]
unsafe fn table(ctx: &Ctx<'_>, t: u32) -> &'static mut VmTable {
    // SAFETY: validation bounds `t` by the instance's table count, and the
    // table cell lives as long as the store.
    unsafe { &mut **ctx.tables.add(t as usize) }
}

// The `v128` ops: real handlers with the `simd` feature, otherwise traps
// (the validator rejects every module that could reach them).
#[cfg(feature = "simd")]
mod vector;
#[cfg(feature = "simd")]
use vector::*;

#[cfg(not(feature = "simd"))]
macro_rules! simd_stubs {
    ($( $(#[$doc:meta])* $name:ident { $($slot:ident),* $(; $($imm:ident : $ity:ty),*)? } ),* $(,)?) => {$(
        handler!($name(ip, fp, mem, len, cd, ctx) {
            trap!(ctx, ip, TrapCode::Unreachable)
        });
    )*};
}
#[cfg(not(feature = "simd"))]
for_each_simd_op!(simd_stubs);

handler!(I32AddShl(ip, fp, mem, len, cd, ctx) {
    fields!(ip, I32AddShl { dst, lhs, rhs, shift });
    let v = (get(fp, lhs) as u32).wrapping_add((get(fp, rhs) as u32) << (shift & 31));
    set(fp, dst, v as u64);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

// ---- control ----

handler!(Unreachable(ip, fp, mem, len, cd, ctx) {
    trap!(ctx, ip, TrapCode::Unreachable)
});

// Never dispatched: the op before it skips it. Trapping keeps a translator
// bug from turning into undefined behaviour.
handler!(Extra(ip, fp, mem, len, cd, ctx) {
    trap!(ctx, ip, TrapCode::Unreachable)
});

handler!(Br(ip, fp, mem, len, cd, ctx) {
    fields!(ip, Br { offset });
    dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
});

handler!(BrIfNez(ip, fp, mem, len, cd, ctx) {
    fields!(ip, BrIfNez { cond, offset });
    if get(fp, cond) as u32 != 0 {
        dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
    }
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(BrIfEqz(ip, fp, mem, len, cd, ctx) {
    fields!(ip, BrIfEqz { cond, offset });
    if get(fp, cond) as u32 == 0 {
        dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
    }
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(BrTable(ip, fp, mem, len, cd, ctx) {
    fields!(ip, BrTable { index, len: n });
    let i = (get(fp, index) as u32).min(n);
    dispatch!(ip.add(1 + i as usize), fp, mem, len, cd, ctx)
});

branch_cmp! {
    BrI32Eq / BrI32EqLoop: |a: u32, b| a == b;
    BrI32Ne / BrI32NeLoop: |a: u32, b| a != b;
    BrI32LtS / BrI32LtSLoop: |a: i32, b| a < b;
    BrI32LtU / BrI32LtULoop: |a: u32, b| a < b;
    BrI32GtS / BrI32GtSLoop: |a: i32, b| a > b;
    BrI32GtU / BrI32GtULoop: |a: u32, b| a > b;
    BrI32LeS / BrI32LeSLoop: |a: i32, b| a <= b;
    BrI32LeU / BrI32LeULoop: |a: u32, b| a <= b;
    BrI32GeS / BrI32GeSLoop: |a: i32, b| a >= b;
    BrI32GeU / BrI32GeULoop: |a: u32, b| a >= b;
    BrI64Eq / BrI64EqLoop: |a: u64, b| a == b;
    BrI64Ne / BrI64NeLoop: |a: u64, b| a != b;
    BrI64LtS / BrI64LtSLoop: |a: i64, b| a < b;
    BrI64LtU / BrI64LtULoop: |a: u64, b| a < b;
    BrI64GtS / BrI64GtSLoop: |a: i64, b| a > b;
    BrI64GtU / BrI64GtULoop: |a: u64, b| a > b;
    BrI64LeS / BrI64LeSLoop: |a: i64, b| a <= b;
    BrI64LeU / BrI64LeULoop: |a: u64, b| a <= b;
    BrI64GeS / BrI64GeSLoop: |a: i64, b| a >= b;
    BrI64GeU / BrI64GeULoop: |a: u64, b| a >= b;
}

handler!(ConsumeFuel(ip, fp, mem, len, cd, ctx) {
    fields!(ip, ConsumeFuel { amount });
    match ctx.fuel.checked_sub(amount as u64) {
        Some(left) => ctx.fuel = left,
        None => trap!(ctx, ip, TrapCode::OutOfFuel),
    }
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

/// Interruption flag and clock are consulted once per this many checks,
/// which keeps a check to a decrement and a branch; at a few nanoseconds per
/// loop iteration that is still microseconds of latency.
const CHECKS_PER_POLL: isize = 1024;

/// The slow half of `check!`: resets the countdown and looks at the flag
/// and the clock.
#[cold]
#[inline(never)]
fn poll_interrupt(ctx: &mut Ctx<'_>) -> bool {
    // SAFETY: the flag lives as long as the store.
    let flag = unsafe { &*ctx.interrupt };
    if flag.swap(0, Ordering::Relaxed) != 0 {
        return true;
    }
    match ctx.clock {
        // SAFETY: the engine (and so its clock) outlives every store run.
        Some(clock) if ctx.deadline != u64::MAX => unsafe {
            (*clock).monotonic_nanos() >= ctx.deadline
        },
        _ => false,
    }
}

handler!(Check(ip, fp, mem, len, cd, ctx) {
    check!(ctx, cd, ip, ip.add(1), fp, mem, len);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

// Not an op: the slow half of `check!`, entered with `ip` at the op to
// continue with.
handler!(Poll(ip, fp, mem, len, cd, ctx) {
    if poll_interrupt(ctx) {
        trap!(ctx, ctx.poll_ip, TrapCode::Interrupt);
    }
    dispatch!(ip, fp, mem, len, CHECKS_PER_POLL, ctx)
});

handler!(BrLoop(ip, fp, mem, len, cd, ctx) {
    fields!(ip, BrLoop { offset });
    check!(ctx, cd, ip, ip.offset(offset as isize), fp, mem, len);
    dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
});

handler!(BrIfNezLoop(ip, fp, mem, len, cd, ctx) {
    fields!(ip, BrIfNezLoop { cond, offset });
    if get(fp, cond) as u32 != 0 {
        check!(ctx, cd, ip, ip.offset(offset as isize), fp, mem, len);
        dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
    }
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(BrIfEqzLoop(ip, fp, mem, len, cd, ctx) {
    fields!(ip, BrIfEqzLoop { cond, offset });
    if get(fp, cond) as u32 == 0 {
        check!(ctx, cd, ip, ip.offset(offset as isize), fp, mem, len);
        dispatch!(ip.offset(offset as isize), fp, mem, len, cd, ctx)
    }
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(Return(ip, fp, mem, len, cd, ctx) {
    ret!(mem, len, cd, ctx)
});

handler!(Return1(ip, fp, mem, len, cd, ctx) {
    fields!(ip, Return1 { src });
    set(fp, 0, get(fp, src));
    ret!(mem, len, cd, ctx)
});

handler!(ReturnN(ip, fp, mem, len, cd, ctx) {
    fields!(ip, ReturnN { src, n });
    // Ascending copy: the sources sit at or above the destinations.
    for i in 0..n as usize {
        *fp.add(i) = *fp.add(src as usize + i);
    }
    ret!(mem, len, cd, ctx)
});

handler!(Call(ip, fp, mem, len, cd, ctx) {
    fields!(ip, Call { base, func });
    let callee: *const CompiledFunc = match (*ctx.code.add(func as usize)).get() {
        Some(f) => f,
        None => match (&*ctx.inst).module.inner.compiled(func) {
            Ok(f) => f,
            Err(e) => {
                ctx.error = Some(e);
                return Done::Error;
            }
        },
    };
    enter!(ip, fp, mem, len, cd, ctx, callee, base, ctx.instance, ip.add(1))
});

handler!(CallImport(ip, fp, mem, len, cd, ctx) {
    fields!(ip, CallImport { base, func });
    let f = (&*ctx.inst).funcs[func as usize];
    call_store_func!(ip, fp, mem, len, cd, ctx, f, base, ip.add(1))
});

handler!(CallIndirect(ip, fp, mem, len, cd, ctx) {
    fields!(ip, CallIndirect { index, base, type_index });
    let Op::Extra { a: table_index, .. } = *ip.add(1) else { unreachable_unchecked() };
    let t = table(ctx, table_index);
    let i = get(fp, index) as u32;
    if i >= t.length {
        trap!(ctx, ip, TrapCode::UndefinedElement);
    }
    let r = *t.base.add(i as usize);
    if r == 0 {
        trap!(ctx, ip, TrapCode::UninitializedElement);
    }
    let f = (r - 1) as u32;
    let expected = (&*ctx.inst).module.inner.type_ids[type_index as usize];
    if (&*ctx.inner).funcs[f as usize].type_id() != expected {
        trap!(ctx, ip, TrapCode::BadSignature);
    }
    call_store_func!(ip, fp, mem, len, cd, ctx, f, base, ip.add(2))
});

// ---- variables, references ----

handler!(Copy(ip, fp, mem, len, cd, ctx) {
    fields!(ip, Copy { dst, src });
    set(fp, dst, get(fp, src));
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(Select(ip, fp, mem, len, cd, ctx) {
    fields!(ip, Select { dst, cond, a, b });
    let v = if get(fp, cond) as u32 != 0 { get(fp, a) } else { get(fp, b) };
    set(fp, dst, v);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(GlobalGet(ip, fp, mem, len, cd, ctx) {
    fields!(ip, GlobalGet { dst, global });
    set(fp, dst, **ctx.globals.add(global as usize));
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(GlobalSet(ip, fp, mem, len, cd, ctx) {
    fields!(ip, GlobalSet { src, global });
    **ctx.globals.add(global as usize) = get(fp, src);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(RefFunc(ip, fp, mem, len, cd, ctx) {
    fields!(ip, RefFunc { dst, func });
    set(fp, dst, (&*ctx.inst).funcs[func as usize] as u64 + 1);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

// ---- memory ----

loads! {
    I32Load / I32LoadShl / I32LoadAdd: u32 => |v| v as u64;
    I64Load / I64LoadShl / I64LoadAdd: u64 => |v| v;
    F32Load / F32LoadShl / F32LoadAdd: u32 => |v| v as u64;
    F64Load / F64LoadShl / F64LoadAdd: u64 => |v| v;
    I32Load8S / I32Load8SShl / I32Load8SAdd: u8 => |v| v as i8 as i32 as u32 as u64;
    I32Load8U / I32Load8UShl / I32Load8UAdd: u8 => |v| v as u64;
    I32Load16S / I32Load16SShl / I32Load16SAdd: u16 => |v| v as i16 as i32 as u32 as u64;
    I32Load16U / I32Load16UShl / I32Load16UAdd: u16 => |v| v as u64;
    I64Load8S / I64Load8SShl / I64Load8SAdd: u8 => |v| v as i8 as i64 as u64;
    I64Load8U / I64Load8UShl / I64Load8UAdd: u8 => |v| v as u64;
    I64Load16S / I64Load16SShl / I64Load16SAdd: u16 => |v| v as i16 as i64 as u64;
    I64Load16U / I64Load16UShl / I64Load16UAdd: u16 => |v| v as u64;
    I64Load32S / I64Load32SShl / I64Load32SAdd: u32 => |v| v as i32 as i64 as u64;
    I64Load32U / I64Load32UShl / I64Load32UAdd: u32 => |v| v as u64;
}

stores! {
    I32Store / I32StoreShl / I32StoreAdd: u32;
    I64Store / I64StoreShl / I64StoreAdd: u64;
    F32Store / F32StoreShl / F32StoreAdd: u32;
    F64Store / F64StoreShl / F64StoreAdd: u64;
    I32Store8 / I32Store8Shl / I32Store8Add: u8;
    I32Store16 / I32Store16Shl / I32Store16Add: u16;
    I64Store8 / I64Store8Shl / I64Store8Add: u8;
    I64Store16 / I64Store16Shl / I64Store16Add: u16;
    I64Store32 / I64Store32Shl / I64Store32Add: u32;
}

handler!(MemorySize(ip, fp, mem, len, cd, ctx) {
    fields!(ip, MemorySize { dst });
    // Pages are 64 KiB unless the memory has custom ones.
    let m = (&*ctx.inst).memories[0];
    let log2 = (&*ctx.inner).memories[m as usize].get().ty.page_size_log2;
    set(fp, dst, len as u64 >> log2);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

/// `memory.grow` of the current instance's memory 0: the old size in
/// pages, or `u32::MAX`. Out of line so that the handler keeps no stack
/// frame across its dispatch: inlined, the growth path made LLVM turn the
/// handler's tail call into a call, and a guest growing memory in a loop
/// overflowed the host stack (found by the `instantiate_run` fuzzer).
#[inline(never)]
fn memory_grow(ctx: &mut Ctx<'_>, delta: u32) -> Result<u32, Error> {
    // SAFETY: `ctx.inst`, `ctx.inner` and `ctx.host` are valid (module
    // invariants); the store is re-derived after the limiter ran.
    unsafe {
        let m = (&*ctx.inst).memories[0];
        let allowed = delta == 0 || {
            (&mut *ctx.inner).fuel = ctx.fuel;
            let ok = (*ctx.host).memory_may_grow(m, delta);
            ctx.inner = (*ctx.host).inner();
            ok?
        };
        let res = if allowed {
            (*(&*ctx.inner).memories[m as usize].ptr()).grow(delta)
        } else {
            None
        };
        Ok(res.unwrap_or(u32::MAX))
    }
}

handler!(MemoryGrow(ip, fp, mem, len, cd, ctx) {
    fields!(ip, MemoryGrow { dst, delta });
    let res = match memory_grow(ctx, get(fp, delta) as u32) {
        Ok(res) => res,
        Err(e) => {
            ctx.error = Some(e);
            return Done::Error;
        }
    };
    (mem, len) = memory_of(ctx.inst);
    set(fp, dst, res as u64);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(MemoryFill(ip, fp, mem, len, cd, ctx) {
    fields!(ip, MemoryFill { dst, value, len: n });
    let (d, v, n) = (get(fp, dst) as u32 as u64, get(fp, value) as u8, get(fp, n) as u32 as u64);
    if d + n > len as u64 {
        trap!(ctx, ip, TrapCode::MemoryOutOfBounds);
    }
    ptr::write_bytes(mem.add(d as usize), v, n as usize);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(MemoryCopy(ip, fp, mem, len, cd, ctx) {
    fields!(ip, MemoryCopy { dst, src, len: n });
    let (d, s, n) = (get(fp, dst) as u32 as u64, get(fp, src) as u32 as u64, get(fp, n) as u32 as u64);
    if d + n > len as u64 || s + n > len as u64 {
        trap!(ctx, ip, TrapCode::MemoryOutOfBounds);
    }
    // `copy` allows the ranges to overlap, as `memory.copy` does.
    ptr::copy(mem.add(s as usize), mem.add(d as usize), n as usize);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(MemoryInit(ip, fp, mem, len, cd, ctx) {
    fields!(ip, MemoryInit { dst, src, len: n });
    let Op::Extra { a: seg, .. } = *ip.add(1) else { unreachable_unchecked() };
    let (d, s, n) = (get(fp, dst) as u32 as u64, get(fp, src) as u32 as u64, get(fp, n) as u32 as u64);
    let inst = &*ctx.inst;
    let bytes: &[u8] = if inst.data_dropped[seg as usize] {
        &[]
    } else {
        &inst.module.inner.datas[seg as usize].bytes
    };
    if d + n > len as u64 || s + n > bytes.len() as u64 {
        trap!(ctx, ip, TrapCode::MemoryOutOfBounds);
    }
    // A data segment never aliases linear memory.
    ptr::copy_nonoverlapping(bytes.as_ptr().add(s as usize), mem.add(d as usize), n as usize);
    dispatch!(ip.add(2), fp, mem, len, cd, ctx)
});

handler!(DataDrop(ip, fp, mem, len, cd, ctx) {
    fields!(ip, DataDrop { segment });
    (&mut *(ctx.inst as *mut InstanceEntity)).data_dropped[segment as usize] = true;
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

// ---- tables ----

handler!(TableGet(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableGet { dst, index, table: t });
    let t = table(ctx, t);
    let i = get(fp, index) as u32;
    if i >= t.length {
        trap!(ctx, ip, TrapCode::TableOutOfBounds);
    }
    set(fp, dst, *t.base.add(i as usize));
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(TableSet(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableSet { index, value, table: t });
    let t = table(ctx, t);
    let i = get(fp, index) as u32;
    if i >= t.length {
        trap!(ctx, ip, TrapCode::TableOutOfBounds);
    }
    *t.base.add(i as usize) = get(fp, value);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(TableSize(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableSize { dst, table: t });
    set(fp, dst, table(ctx, t).length as u64);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(TableGrow(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableGrow { dst, init, delta, table: t });
    let ti = (&*ctx.inst).tables[t as usize];
    let delta = get(fp, delta) as u32;
    let allowed = delta == 0 || {
        let ok = (*ctx.host).table_may_grow(ti, delta);
        ctx.inner = (*ctx.host).inner();
        match ok {
            Ok(ok) => ok,
            Err(e) => {
                ctx.error = Some(e);
                return Done::Error;
            }
        }
    };
    let res = if allowed {
        (*(&*ctx.inner).tables[ti as usize].ptr()).grow(delta, get(fp, init))
    } else {
        None
    };
    set(fp, dst, res.unwrap_or(u32::MAX) as u64);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(TableFill(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableFill { dst, value, len: n, table: t });
    let t = table(ctx, t);
    let (d, v, n) = (get(fp, dst) as u32, get(fp, value), get(fp, n) as u32);
    if d as u64 + n as u64 > t.length as u64 {
        trap!(ctx, ip, TrapCode::TableOutOfBounds);
    }
    core::slice::from_raw_parts_mut(t.base.add(d as usize), n as usize).fill(v);
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

handler!(TableCopy(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableCopy { dst, src, len: n });
    let Op::Extra { a: dt, b: st } = *ip.add(1) else { unreachable_unchecked() };
    let (d, s, n) = (get(fp, dst) as u32 as u64, get(fp, src) as u32 as u64, get(fp, n) as u32 as u64);
    let (dtab, stab) = (table(ctx, dt), table(ctx, st));
    if d + n > dtab.length as u64 || s + n > stab.length as u64 {
        trap!(ctx, ip, TrapCode::TableOutOfBounds);
    }
    ptr::copy(stab.base.add(s as usize), dtab.base.add(d as usize), n as usize);
    dispatch!(ip.add(2), fp, mem, len, cd, ctx)
});

handler!(TableInit(ip, fp, mem, len, cd, ctx) {
    fields!(ip, TableInit { dst, src, len: n });
    let Op::Extra { a: seg, b: t } = *ip.add(1) else { unreachable_unchecked() };
    let (d, s, n) = (get(fp, dst) as u32 as u64, get(fp, src) as u32 as u64, get(fp, n) as u32 as u64);
    let t = table(ctx, t);
    let items = &(&*ctx.inst).elems[seg as usize];
    if d + n > t.length as u64 || s + n > items.len() as u64 {
        trap!(ctx, ip, TrapCode::TableOutOfBounds);
    }
    ptr::copy_nonoverlapping(items.as_ptr().add(s as usize), t.base.add(d as usize), n as usize);
    dispatch!(ip.add(2), fp, mem, len, cd, ctx)
});

handler!(ElemDrop(ip, fp, mem, len, cd, ctx) {
    fields!(ip, ElemDrop { segment });
    (&mut *(ctx.inst as *mut InstanceEntity)).elems[segment as usize] = Default::default();
    dispatch!(ip.add(1), fp, mem, len, cd, ctx)
});

// ---- numeric ----

unary! {
    I32Eqz: |a: u32| a == 0;
    I64Eqz: |a: u64| a == 0;
    I32Clz: |a: u32| a.leading_zeros();
    I32Ctz: |a: u32| a.trailing_zeros();
    I32Popcnt: |a: u32| a.count_ones();
    I64Clz: |a: u64| a.leading_zeros() as u64;
    I64Ctz: |a: u64| a.trailing_zeros() as u64;
    I64Popcnt: |a: u64| a.count_ones() as u64;
    F32Abs: |a: u32| a & 0x7fff_ffff;
    F32Neg: |a: u32| a ^ 0x8000_0000;
    F32Ceil: |a: f32| num::f32_ceil(a);
    F32Floor: |a: f32| num::f32_floor(a);
    F32Trunc: |a: f32| num::f32_trunc(a);
    F32Nearest: |a: f32| num::f32_nearest(a);
    F32Sqrt: |a: f32| num::f32_sqrt(a);
    F64Abs: |a: u64| a & 0x7fff_ffff_ffff_ffff;
    F64Neg: |a: u64| a ^ 0x8000_0000_0000_0000;
    F64Ceil: |a: f64| num::f64_ceil(a);
    F64Floor: |a: f64| num::f64_floor(a);
    F64Trunc: |a: f64| num::f64_trunc(a);
    F64Nearest: |a: f64| num::f64_nearest(a);
    F64Sqrt: |a: f64| num::f64_sqrt(a);
    I32WrapI64: |a: u64| a as u32;
    I64ExtendI32S: |a: i32| a as i64;
    I64ExtendI32U: |a: u32| a as u64;
    F32ConvertI32S: |a: i32| a as f32;
    F32ConvertI32U: |a: u32| a as f32;
    F32ConvertI64S: |a: i64| a as f32;
    F32ConvertI64U: |a: u64| a as f32;
    F32DemoteF64: |a: f64| a as f32;
    F64ConvertI32S: |a: i32| a as f64;
    F64ConvertI32U: |a: u32| a as f64;
    F64ConvertI64S: |a: i64| a as f64;
    F64ConvertI64U: |a: u64| a as f64;
    F64PromoteF32: |a: f32| a as f64;
    I32Extend8S: |a: u32| a as i8 as i32;
    I32Extend16S: |a: u32| a as i16 as i32;
    I64Extend8S: |a: u64| a as i8 as i64;
    I64Extend16S: |a: u64| a as i16 as i64;
    I64Extend32S: |a: u64| a as i32 as i64;
    // Rust's float-to-int `as` saturates and maps NaN to 0: exactly
    // `trunc_sat`.
    I32TruncSatF32S: |a: f32| a as i32;
    I32TruncSatF32U: |a: f32| a as u32;
    I32TruncSatF64S: |a: f64| a as i32;
    I32TruncSatF64U: |a: f64| a as u32;
    I64TruncSatF32S: |a: f32| a as i64;
    I64TruncSatF32U: |a: f32| a as u64;
    I64TruncSatF64S: |a: f64| a as i64;
    I64TruncSatF64U: |a: f64| a as u64;
}

unary_trapping! {
    I32TruncF32S: |a: f32| num::i32_trunc_f32_s(a);
    I32TruncF32U: |a: f32| num::i32_trunc_f32_u(a);
    I32TruncF64S: |a: f64| num::i32_trunc_f64_s(a);
    I32TruncF64U: |a: f64| num::i32_trunc_f64_u(a);
    I64TruncF32S: |a: f32| num::i64_trunc_f32_s(a);
    I64TruncF32U: |a: f32| num::i64_trunc_f32_u(a);
    I64TruncF64S: |a: f64| num::i64_trunc_f64_s(a);
    I64TruncF64U: |a: f64| num::i64_trunc_f64_u(a);
}

binary! {
    I32Eq: |a: u32, b: u32| a == b;
    I32Ne: |a: u32, b: u32| a != b;
    I32LtS: |a: i32, b: i32| a < b;
    I32LtU: |a: u32, b: u32| a < b;
    I32GtS: |a: i32, b: i32| a > b;
    I32GtU: |a: u32, b: u32| a > b;
    I32LeS: |a: i32, b: i32| a <= b;
    I32LeU: |a: u32, b: u32| a <= b;
    I32GeS: |a: i32, b: i32| a >= b;
    I32GeU: |a: u32, b: u32| a >= b;
    I64Eq: |a: u64, b: u64| a == b;
    I64Ne: |a: u64, b: u64| a != b;
    I64LtS: |a: i64, b: i64| a < b;
    I64LtU: |a: u64, b: u64| a < b;
    I64GtS: |a: i64, b: i64| a > b;
    I64GtU: |a: u64, b: u64| a > b;
    I64LeS: |a: i64, b: i64| a <= b;
    I64LeU: |a: u64, b: u64| a <= b;
    I64GeS: |a: i64, b: i64| a >= b;
    I64GeU: |a: u64, b: u64| a >= b;
    F32Eq: |a: f32, b: f32| a == b;
    F32Ne: |a: f32, b: f32| a != b;
    F32Lt: |a: f32, b: f32| a < b;
    F32Gt: |a: f32, b: f32| a > b;
    F32Le: |a: f32, b: f32| a <= b;
    F32Ge: |a: f32, b: f32| a >= b;
    F64Eq: |a: f64, b: f64| a == b;
    F64Ne: |a: f64, b: f64| a != b;
    F64Lt: |a: f64, b: f64| a < b;
    F64Gt: |a: f64, b: f64| a > b;
    F64Le: |a: f64, b: f64| a <= b;
    F64Ge: |a: f64, b: f64| a >= b;
    I32Add: |a: u32, b: u32| a.wrapping_add(b);
    I32Sub: |a: u32, b: u32| a.wrapping_sub(b);
    I32Mul: |a: u32, b: u32| a.wrapping_mul(b);
    I32And: |a: u32, b: u32| a & b;
    I32Or: |a: u32, b: u32| a | b;
    I32Xor: |a: u32, b: u32| a ^ b;
    I32Shl: |a: u32, b: u32| a.wrapping_shl(b);
    I32ShrS: |a: i32, b: u32| a.wrapping_shr(b);
    I32ShrU: |a: u32, b: u32| a.wrapping_shr(b);
    I32Rotl: |a: u32, b: u32| a.rotate_left(b & 31);
    I32Rotr: |a: u32, b: u32| a.rotate_right(b & 31);
    I64Add: |a: u64, b: u64| a.wrapping_add(b);
    I64Sub: |a: u64, b: u64| a.wrapping_sub(b);
    I64Mul: |a: u64, b: u64| a.wrapping_mul(b);
    I64And: |a: u64, b: u64| a & b;
    I64Or: |a: u64, b: u64| a | b;
    I64Xor: |a: u64, b: u64| a ^ b;
    I64Shl: |a: u64, b: u64| a.wrapping_shl(b as u32);
    I64ShrS: |a: i64, b: u64| a.wrapping_shr(b as u32);
    I64ShrU: |a: u64, b: u64| a.wrapping_shr(b as u32);
    I64Rotl: |a: u64, b: u64| a.rotate_left((b & 63) as u32);
    I64Rotr: |a: u64, b: u64| a.rotate_right((b & 63) as u32);
    F32Add: |a: f32, b: f32| a + b;
    F32Sub: |a: f32, b: f32| a - b;
    F32Mul: |a: f32, b: f32| a * b;
    F32Div: |a: f32, b: f32| a / b;
    F32Min: |a: f32, b: f32| num::f32_min(a, b);
    F32Max: |a: f32, b: f32| num::f32_max(a, b);
    F32Copysign: |a: u32, b: u32| (a & 0x7fff_ffff) | (b & 0x8000_0000);
    F64Add: |a: f64, b: f64| a + b;
    F64Sub: |a: f64, b: f64| a - b;
    F64Mul: |a: f64, b: f64| a * b;
    F64Div: |a: f64, b: f64| a / b;
    F64Min: |a: f64, b: f64| num::f64_min(a, b);
    F64Max: |a: f64, b: f64| num::f64_max(a, b);
    F64Copysign: |a: u64, b: u64| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000);
}

binary_trapping! {
    I32DivS: |a: i32, b: i32| num::i32_div_s(a, b);
    I32DivU: |a: u32, b: u32| a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero);
    I32RemS: |a: i32, b: i32| if b == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) };
    I32RemU: |a: u32, b: u32| a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero);
    I64DivS: |a: i64, b: i64| num::i64_div_s(a, b);
    I64DivU: |a: u64, b: u64| a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero);
    I64RemS: |a: i64, b: i64| if b == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) };
    I64RemU: |a: u64, b: u64| a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero);
}

// ---- driver ----

/// Runs from `ip` until the entry function returns or something stops it.
#[cfg(wasmbed_tail_dispatch)]
#[inline(never)]
fn execute(ip: Ip, fp: Fp, mem: Mem, len: usize, ctx: &mut Ctx<'_>) -> Done {
    // The check countdown starts at 1 so the first check polls: an expired
    // deadline or a pending interrupt stops code at once.
    // SAFETY: module invariants hold for the entry frame set up by `run`.
    unsafe { handler_of(ip)(ip, fp, mem, len, 1, ctx) }
}

/// Runs from `ip` until the entry function returns or something stops it.
#[cfg(not(wasmbed_tail_dispatch))]
#[inline(never)]
fn execute(ip: Ip, fp: Fp, mem: Mem, len: usize, ctx: &mut Ctx<'_>) -> Done {
    ctx.ip = ip;
    ctx.fp = fp;
    ctx.mem = mem;
    ctx.len = len;
    // As in the tail-dispatch driver: the first check polls.
    ctx.cd = 1;
    loop {
        let (ip, fp, mem, len, cd) = (ctx.ip, ctx.fp, ctx.mem, ctx.len, ctx.cd);
        // SAFETY: module invariants; every handler leaves a valid state in
        // `ctx` when it returns `Continue`.
        let done = unsafe { handler_of(ip)(ip, fp, mem, len, cd, ctx) };
        if done != Done::Continue {
            return done;
        }
    }
}

fn trap_at(
    inner: &StoreInner,
    frames: &[Frame],
    code: TrapCode,
    cur: *const CompiledFunc,
    ip: Ip,
    instance: u32,
) -> Error {
    let mut bt = Vec::new();
    let mut push = |func: *const CompiledFunc, ip: Ip, instance: u32| {
        // SAFETY: `func` is a live function of `instance`'s module and `ip`
        // points into its ops.
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
        // The saved ip is the op after the call (or after its `Extra`);
        // the op before it carries the call's offset.
        // SAFETY: a saved ip is always past a call op of `fr.func`.
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
    // Start at 1024 slots (8 KiB) unless the limit is lower.
    let new_len = need.max(stack.len() * 2).max(1024).min(max.max(need));
    if stack.try_reserve_exact(new_len - stack.len()).is_err() {
        return false;
    }
    stack.resize(new_len, 0);
    true
}

fn run(
    host: &mut dyn Host,
    mut stack: Vec<u64>,
    instance: u32,
    def: u32,
    slots: &mut [u64],
) -> (Vec<u64>, Result<(), Error>) {
    let inner: *mut StoreInner = host.inner();
    // Read in place, not cloned: this runs on every call into wasm.
    // SAFETY: `inner` comes from the exclusive borrow behind `host`; the
    // config lives in the engine's own allocation, which the store keeps
    // alive and nothing mutates.
    let config = unsafe { (&*inner).engine.config() };
    let mut ctx = Ctx {
        host,
        inner,
        stack: Vec::new(),
        frames: Vec::new(),
        inst: ptr::null(),
        instance,
        cur: ptr::null(),
        code: ptr::null(),
        globals: ptr::null(),
        tables: ptr::null(),
        max_depth: config.max_call_depth as usize,
        max_stack: config.max_value_stack,
        trap: None,
        error: None,
        poll_ip: ptr::null(),
        // SAFETY (these four): `inner` is valid, see above; the interrupt
        // flag and the engine's clock live as long as the store.
        fuel: unsafe { (*inner).fuel },
        interrupt: unsafe { &*(*inner).interrupt },
        deadline: unsafe { (*inner).deadline.unwrap_or(u64::MAX) },
        clock: config.clock.as_ref().map(|c| &**c as *const dyn Clock),
        #[cfg(not(wasmbed_tail_dispatch))]
        ip: ptr::null(),
        #[cfg(not(wasmbed_tail_dispatch))]
        fp: ptr::null_mut(),
        #[cfg(not(wasmbed_tail_dispatch))]
        mem: ptr::null_mut(),
        #[cfg(not(wasmbed_tail_dispatch))]
        len: 0,
        #[cfg(not(wasmbed_tail_dispatch))]
        cd: 0,
    };
    // SAFETY: `instance` is a live instance of this store.
    unsafe { ctx.switch_instance(instance) };
    // SAFETY: `ctx.inst` is the live instance just made current.
    let module = unsafe { &(*ctx.inst).module.inner };
    let entry_ref: &CompiledFunc = match module.compiled(def) {
        Ok(f) => f,
        Err(e) => return (stack, Err(e)),
    };
    let entry: *const CompiledFunc = entry_ref;
    let need = (entry_ref.frame_size as usize).max(slots.len());
    if stack.len() < need && !grow_stack(&mut stack, need, ctx.max_stack) {
        return (stack, Err(TrapCode::StackOverflow.into()));
    }
    let np = entry_ref.num_params as usize;
    stack[..np].copy_from_slice(&slots[..np]);
    ctx.stack = stack;
    ctx.cur = entry;
    // SAFETY: the stack holds `frame_size` slots from 0.
    let fp = unsafe { init_frame(ctx.stack.as_mut_ptr(), entry_ref) };
    let (mem, len) = unsafe { memory_of(ctx.inst) };
    let done = execute(entry_ref.ops.as_ptr(), fp, mem, len, &mut ctx);
    // SAFETY: `ctx.inner` is valid (re-derived after host calls).
    unsafe { (*ctx.inner).fuel = ctx.fuel };
    let result = match done {
        Done::Return => {
            // The entry frame sits at slot 0 and returned its results there.
            let n = slots.len();
            slots.copy_from_slice(&ctx.stack[..n]);
            Ok(())
        }
        Done::Trap => {
            let (code, ip) = ctx
                .trap
                .take()
                .unwrap_or((TrapCode::Unreachable, ptr::null()));
            // SAFETY: `ctx.inner` is valid (re-derived after host calls).
            let inner = unsafe { &*ctx.inner };
            Err(trap_at(inner, &ctx.frames, code, ctx.cur, ip, ctx.instance))
        }
        Done::Error | Done::Continue => Err(ctx
            .error
            .take()
            .unwrap_or_else(|| Error::msg("wasmbed: executor stopped without a reason"))),
    };
    (core::mem::take(&mut ctx.stack), result)
}

/// Zeroes the declared locals and loads the constants of a frame at `fp`.
///
/// Small counts are written inline: most functions have a handful of locals
/// and constants, and a `memset`/`memcpy` call per wasm call costs more than
/// the work itself.
///
/// # Safety
/// `fp` must point to at least `f.frame_size` writable slots.
#[inline(always)]
unsafe fn init_frame(fp: Fp, f: &CompiledFunc) -> Fp {
    let np = f.num_params as usize;
    let nl = f.num_locals as usize;
    let consts = &f.consts;
    // SAFETY: locals and constants lie below `frame_size` (caller's promise).
    unsafe {
        let locals = fp.add(np);
        match nl - np {
            0 => {}
            1 => *locals = 0,
            2 => {
                *locals = 0;
                *locals.add(1) = 0;
            }
            n => ptr::write_bytes(locals, 0, n),
        }
        let dst = fp.add(f.const_base as usize);
        match consts.len() {
            0 => {}
            1 => *dst = consts[0],
            2 => {
                *dst = consts[0];
                *dst.add(1) = consts[1];
            }
            3 => {
                *dst = consts[0];
                *dst.add(1) = consts[1];
                *dst.add(2) = consts[2];
            }
            n => ptr::copy_nonoverlapping(consts.as_ptr(), dst, n),
        }
    }
    fp
}

/// The base and length of an instance's memory 0.
///
/// # Safety
/// `inst` must point to a live instance.
#[inline(always)]
unsafe fn memory_of(inst: *const InstanceEntity) -> (Mem, usize) {
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
