//! wasmbed's x86-64 JIT backend: the macro-assembler the codegen front end
//! emits through ([`masm`]), its instruction encoder (`encode`), and the
//! [`Backend`] that places compiled functions in code memory.
//!
//! Every compiled function is its own array-call entry (`VmArrayCall`):
//! the front end's prologue reads the arguments from the caller's slots
//! and its epilogue writes the results back, so the same pointer serves
//! embedder calls, the interpreter's foreign calls and calls between
//! compiled functions. Traps are explicit checks that call the `trap_at`
//! builtin and return `VM_UNWIND`, except memory accesses the memories'
//! guard region covers (`ModuleEnv::guaranteed_reservation`): those fault,
//! the trap table names them, and the platform's handler resumes at the
//! module's fault stub, which calls the `fault` builtin and returns
//! `VM_UNWIND` through the faulting function's epilogue.
#![no_std]
extern crate alloc;
#[cfg(test)]
extern crate std;

mod encode;
pub mod masm;

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::any::Any;
use core::ops::Range;
use masm::{CpuFeatures, X64Masm};
use wasmbed_codegen::func::{CallSite, TrapSite};
use wasmbed_codegen::masm::MacroAssembler;
use wasmbed_core::backend::{
    Backend, CompileError, CompiledFunction, FuncEntry, FunctionInput, ModuleCode, ModuleEnv,
    Refusal, RefusalReason,
};
use wasmbed_core::platform::{CodeMemory, Executable};
use wasmbed_core::vm::code::TrapTable;
use wasmbed_core::vm::context::VmArrayCall;
use wasmbed_core::{Config, Error, TrapCode};

/// The x86-64 backend. `Config::backend(Arc::new(JitX64::new()))`
/// installs it; `wasmbed::host_config` does so on x86-64 hosts.
#[derive(Debug, Clone, Copy)]
pub struct JitX64 {
    features: CpuFeatures,
}

impl JitX64 {
    /// The backend for the CPU this runs on.
    pub fn new() -> JitX64 {
        JitX64 {
            features: CpuFeatures::detect(),
        }
    }
}

impl JitX64 {
    /// The backend for a CPU with exactly `features` (golden tests pin
    /// them, so the code they compare does not depend on the machine).
    pub fn with_features(features: CpuFeatures) -> JitX64 {
        JitX64 { features }
    }
}

impl Default for JitX64 {
    fn default() -> Self {
        JitX64::new()
    }
}

/// One compiled function: position-independent code, no relocations.
/// Public so that tools and golden tests can read what was generated
/// (downcast a [`CompiledFunction`] from [`JitX64`]'s `compile_function`).
pub struct X64Func {
    code: Vec<u8>,
    traps: Vec<TrapSite>,
    calls: Vec<CallSite>,
}

impl X64Func {
    /// The machine code, entered at offset 0 as a `VmArrayCall`.
    pub fn code(&self) -> &[u8] {
        &self.code
    }
}

impl CompiledFunction for X64Func {
    fn code_size(&self) -> usize {
        self.code.len()
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send + Sync> {
        self
    }
}

/// Functions start at this alignment (a cache line half, as compilers do
/// for call targets).
const FUNC_ALIGN: usize = 16;

/// Pads `text` to [`FUNC_ALIGN`] with `int3`, which traps if ever run.
fn align(text: &mut Vec<u8>) {
    text.resize(text.len().next_multiple_of(FUNC_ALIGN), 0xcc);
}

impl Backend for JitX64 {
    fn name(&self) -> &'static str {
        "jit-x64"
    }

    fn available(&self, config: &Config) -> Result<(), Refusal> {
        if !cfg!(target_arch = "x86_64") {
            return Err(Refusal::new(RefusalReason::Other, "the host is not x86-64"));
        }
        if config.get_executable().is_none() {
            return Err(Refusal::new(
                RefusalReason::Other,
                "no code memory: the engine has no `Executable` (Config::executable)",
            ));
        }
        Ok(())
    }

    fn compile_function(
        &self,
        env: &ModuleEnv<'_>,
        input: &FunctionInput<'_>,
    ) -> Result<Box<dyn CompiledFunction>, CompileError> {
        if !self.features.sse41 {
            needs_no_sse41(input)?;
        }
        let c = wasmbed_codegen::func::compile(X64Masm::new(self.features), env, input)?;
        Ok(Box::new(X64Func {
            code: c.code,
            traps: c.traps,
            calls: c.calls,
        }))
    }

    fn link(
        &self,
        env: &ModuleEnv<'_>,
        mut funcs: Vec<(u32, Box<dyn CompiledFunction>)>,
        exec: Option<&dyn Executable>,
    ) -> Result<Arc<dyn ModuleCode>, Error> {
        let defined = env.func_count() - env.num_imported_funcs() as usize;
        let mut offsets: Vec<Option<usize>> = (0..defined).map(|_| None).collect();
        let mut text = Vec::new();
        let mut trap_table = TrapTable::new();
        let mut sites = Vec::new();
        // (absolute patch site, callee) of every direct call.
        let mut relocs = Vec::new();
        funcs.sort_by_key(|(def, _)| *def);
        for (def, f) in funcs {
            let f = f
                .into_any()
                .downcast::<X64Func>()
                .map_err(|_| Error::msg("jit-x64: asked to link another backend's code"))?;
            align(&mut text);
            offsets[def as usize] = Some(text.len());
            for c in &f.calls {
                relocs.push((text.len() + c.offset as usize, c.callee));
            }
            for t in &f.traps {
                let at = u32::try_from(text.len() + t.offset as usize)
                    .map_err(|_| Error::msg("jit-x64: more than 4 GiB of code"))?;
                trap_table.push(at, t.code);
                sites.push((at, def, t.wasm_offset));
            }
            text.extend_from_slice(&f.code);
        }
        if text.is_empty() {
            return Ok(Arc::new(X64Code {
                memory: None,
                offsets,
                trap_table,
                sites,
                fault_stub: 0,
            }));
        }
        // The fault stub, shared by the module's functions: where the
        // platform's handler resumes a faulting access.
        align(&mut text);
        let stub_at = text.len();
        let mut stub = X64Masm::new(self.features);
        stub.fault_stub();
        text.extend_from_slice(&stub.finish());
        // Direct calls to functions this backend did not compile continue
        // through their function reference's array call.
        align(&mut text);
        let thunk_at = text.len();
        let mut thunk = X64Masm::new(self.features);
        thunk.array_call_thunk();
        text.extend_from_slice(&thunk.finish());
        for (site, callee) in relocs {
            let target = offsets
                .get(callee as usize)
                .copied()
                .flatten()
                .unwrap_or(thunk_at);
            // rel32 counts from the end of the displacement.
            let rel = i32::try_from(target as i64 - (site as i64 + 4))
                .map_err(|_| Error::msg("jit-x64: a call spans more than 2 GiB of code"))?;
            text[site..site + 4].copy_from_slice(&rel.to_le_bytes());
        }
        let exec =
            exec.ok_or_else(|| Error::msg("jit-x64: no code memory (Config::executable)"))?;
        let mut memory = exec
            .allocate(text.len())
            .map_err(|e| Error::msg(alloc::format!("jit-x64: code memory: {e}")))?;
        // SAFETY: the region is writable (the `Executable` contract) and at
        // least `text.len()` bytes; nothing else refers to it yet.
        unsafe { core::ptr::copy_nonoverlapping(text.as_ptr(), memory.base(), text.len()) };
        memory
            .make_executable()
            .map_err(|e| Error::msg(alloc::format!("jit-x64: code memory: {e}")))?;
        let fault_stub = memory.base() as usize + stub_at;
        Ok(Arc::new(X64Code {
            memory: Some(memory),
            offsets,
            trap_table,
            sites,
            fault_stub,
        }))
    }
}

/// Refuses a function that needs SSE4.1 on a CPU without it: the scalar
/// rounding operators (`roundss`/`roundsd`) and every SIMD operator (their
/// lowering uses SSSE3 and SSE4.1). Everything else is SSE2, which every
/// x86-64 CPU has, so the rest of the module still compiles.
fn needs_no_sse41(input: &FunctionInput<'_>) -> Result<(), CompileError> {
    use wasmparser::Operator as O;
    let missing = |what: &str| {
        CompileError::Refused(Refusal::new(
            RefusalReason::MissingCpuFeature,
            alloc::format!("{what} needs SSE4.1, which this CPU lacks"),
        ))
    };
    let mut ops = input
        .reader()
        .get_operators_reader()
        .map_err(|e| CompileError::Failed(Error::msg(alloc::format!("{e}"))))?;
    while !ops.eof() {
        let op = ops
            .read()
            .map_err(|e| CompileError::Failed(Error::msg(alloc::format!("{e}"))))?;
        match op {
            O::F32Ceil
            | O::F32Floor
            | O::F32Trunc
            | O::F32Nearest
            | O::F64Ceil
            | O::F64Floor
            | O::F64Trunc
            | O::F64Nearest => return Err(missing("float rounding")),
            _ if wasmbed_codegen::func::is_simd(&op) => return Err(missing("SIMD")),
            _ => {}
        }
    }
    Ok(())
}

/// A module's linked code.
struct X64Code {
    memory: Option<Box<dyn CodeMemory>>,
    /// Each defined function's offset in the code, `None` if refused.
    offsets: Vec<Option<usize>>,
    /// The accesses that may fault (guard-page bounds checks).
    trap_table: TrapTable,
    /// For each of them, in text order: the defined function and the
    /// module byte offset of its wasm instruction.
    sites: Vec<(u32, u32, u32)>,
    /// Address of the fault stub (0 without code).
    fault_stub: usize,
}

impl ModuleCode for X64Code {
    fn entry(&self, def: u32) -> Option<FuncEntry> {
        let at = (*self.offsets.get(def as usize)?)?;
        let base = self.memory.as_ref()?.base();
        let ptr = base.wrapping_add(at);
        // SAFETY: `ptr` is the start of a function the front end compiled
        // with the array-call signature and ABI (its prologue and epilogue
        // follow the host's C convention), in executable memory that lives
        // as long as this code, which the module keeps alive while any
        // instance can call it.
        let array_call: VmArrayCall = unsafe { core::mem::transmute::<*mut u8, VmArrayCall>(ptr) };
        Some(FuncEntry {
            array_call,
            wasm_call: ptr,
        })
    }

    fn text(&self) -> Range<usize> {
        match &self.memory {
            Some(m) => m.base() as usize..m.base() as usize + m.len(),
            None => 0..0,
        }
    }

    fn trap_code(&self, text_off: u32) -> Option<TrapCode> {
        self.trap_table.lookup(text_off)
    }

    fn frame_at(&self, text_off: u32) -> Option<(u32, u32)> {
        let i = self
            .sites
            .binary_search_by_key(&text_off, |&(at, _, _)| at)
            .ok()?;
        let (_, def, wasm) = self.sites[i];
        Some((def, wasm))
    }

    fn fault_stub(&self) -> usize {
        self.fault_stub
    }
}
