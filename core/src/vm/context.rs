//! `#[repr(C)]` runtime structures that generated code reads at fixed
//! offsets: the VM ABI. The store owns every one of them in a heap cell so
//! their addresses never move; the interpreter reads the same structures,
//! so every backend sees one source of truth.
//!
//! The pieces, from the outside in (`ARCHITECTURE.md`, "The VM ABI"):
//! - [`VmFuncRef`]: what any caller needs to call a function without the
//!   store: an array-call entry that always works, an optional
//!   native-convention entry, the callee's context and its engine-wide
//!   signature id;
//! - [`VmContext`]: one per instance, the first thing compiled code loads
//!   everything else from;
//! - [`VmStoreContext`]: one per store, reachable from every `VmContext`:
//!   fuel, the poll countdown, the native stack limit, the builtins table,
//!   the chain of active entries and the store's function references;
//! - [`VmEntry`]: one per activation that entered wasm, linked from the
//!   store context, so traps can unwind to the innermost one.
//!
//! Nothing here holds behaviour: the call path lives in `func::call`, the
//! interpreter's entry in `interp::exec`.
use core::mem::offset_of;

/// The one calling convention every function can be called through: host
/// functions, interpreted functions and compiled functions call each other
/// this way in any direction.
///
/// - `callee`: the function reference being called (a generic entry learns
///   its instance and function index from it);
/// - `caller`: the calling instance's context, or null when the embedder
///   calls;
/// - `slots`/`len`: `max(params, results)` 64-bit slots (the `crate::vm`
///   slot encoding), params in, results out.
///
/// Returns [`VM_OK`], or [`VM_UNWIND`] when the call ended with a trap or
/// an error, which then sits in the store's pending unwind (see
/// `func::call`) for the caller to collect or pass on.
pub type VmArrayCall = unsafe extern "C-unwind" fn(
    callee: *const VmFuncRef,
    caller: *mut VmContext,
    slots: *mut u64,
    len: usize,
) -> u32;

/// [`VmArrayCall`]'s success code.
pub const VM_OK: u32 = 0;
/// [`VmArrayCall`]'s code for "unwinding: the reason is pending in the
/// store".
pub const VM_UNWIND: u32 = 1;

/// What compiled the callee of a [`VmFuncRef`], so a caller can take a
/// fast path without comparing function pointers (Rust does not promise
/// that distinct functions have distinct addresses).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuncKind {
    /// A wasm function the interpreter runs.
    Interp = 0,
    /// A wasm function a backend compiled to machine code.
    Native = 1,
    /// A host function.
    Host = 2,
    /// A host function defined with `func_wrap_async`.
    HostAsync = 3,
}

/// A callable function: tables, imports and the embedder all reach a
/// function through one of these, whatever compiled it.
#[repr(C)]
#[derive(Debug)]
pub struct VmFuncRef {
    /// Always valid.
    pub array_call: VmArrayCall,
    /// The backend's native-convention entry, or null (interpreted and host
    /// functions have none: callers then use `array_call`).
    pub wasm_call: *const u8,
    /// The callee's instance context (wasm), or null (host functions: their
    /// state is found through `store_index`).
    pub vmctx: *mut VmContext,
    /// Engine-wide signature id: `call_indirect` compares it with the
    /// expected type's id.
    pub type_id: u32,
    /// A [`FuncKind`].
    pub kind: FuncKind,
    /// Wasm: index among the module's defined functions. Host: index of the
    /// host function in its store.
    pub index: u32,
    /// The function's index in its store (what a `Func` handle holds).
    pub store_index: u32,
}

/// A linear memory as compiled code sees it. Updated by the store whenever
/// the memory grows (the backing may move).
#[repr(C)]
#[derive(Debug)]
pub struct VmMemory {
    /// First byte of linear memory.
    pub base: *mut u8,
    /// Accessible length in bytes.
    pub length: usize,
}

/// A table as compiled code sees it: `length` slots of the untyped
/// reference encoding (0 is null, otherwise store index + 1).
#[repr(C)]
#[derive(Debug)]
pub struct VmTable {
    /// First element.
    pub base: *mut u64,
    /// Number of elements.
    pub length: u32,
}

/// `VmContext::magic` of an instance context.
pub const VMCTX_MAGIC: u32 = u32::from_le_bytes(*b"wbvm");

/// The per-instance context.
///
/// Every pointer targets memory the owning store keeps alive and in place
/// for as long as the instance exists.
#[repr(C)]
#[derive(Debug)]
pub struct VmContext {
    /// [`VMCTX_MAGIC`]: a cheap check in debug builds and fault handlers.
    pub magic: u32,
    /// The instance's index in its store.
    pub instance: u32,
    /// The store's context.
    pub store: *mut VmStoreContext,
    /// Memory 0, or null when the module has none.
    pub memory: *mut VmMemory,
    /// One pointer per global (imported first) to its 64-bit cell.
    pub globals: *const *mut u64,
    /// One pointer per table (imported first).
    pub tables: *const *mut VmTable,
    /// The function reference of each function index in the module
    /// (imported first): `call` of an import and `ref.func` go through it.
    pub func_refs: *const *const VmFuncRef,
    /// Engine-wide signature ids of the module's types, for `call_indirect`.
    pub type_ids: *const u32,
}

/// One activation that entered wasm code, linked innermost-first from
/// [`VmStoreContext::entry`]. It lives in the entering frame, which pops it
/// on every way out.
#[repr(C)]
#[derive(Debug)]
pub struct VmEntry {
    /// The next outer activation, or null.
    pub prev: *mut VmEntry,
    /// [`ENTRY_EMBEDDER`], [`ENTRY_INTERP`] or [`ENTRY_NATIVE`].
    pub kind: usize,
    /// Native entries only: the stack pointer to restore when unwinding to
    /// this entry.
    pub entry_sp: usize,
    /// Native entries only: the outermost compiled frame (backtraces stop
    /// there).
    pub entry_fp: usize,
    /// Native entries only: the landing pad in the entry trampoline that
    /// returns [`VM_UNWIND`].
    pub resume_pc: usize,
}

/// [`VmEntry::kind`]: the embedder called in (`Func::call` and friends).
pub const ENTRY_EMBEDDER: usize = 0;
/// [`VmEntry::kind`]: an interpreter activation.
pub const ENTRY_INTERP: usize = 1;
/// [`VmEntry::kind`]: a compiled-code entry trampoline.
pub const ENTRY_NATIVE: usize = 2;

/// The operations compiled code calls back into the runtime for, each the
/// same Rust body the interpreter uses (`vm::builtins`). All take the
/// calling instance's context first. A `u32` result is 0 or a
/// [`TrapCode`](super::trap::TrapCode)'s value (never 0); [`VM_GROW_UNWIND`]
/// from a grow means "the limiter failed: unwind".
#[repr(C)]
#[derive(Debug)]
pub struct VmBuiltins {
    /// `memory.grow` of memory 0: old size in pages, `u32::MAX as u64` if
    /// denied, [`VM_GROW_UNWIND`] if the limiter failed.
    pub memory_grow: unsafe extern "C-unwind" fn(*mut VmContext, delta: u32) -> u64,
    /// `table.grow`: as `memory_grow`.
    pub table_grow:
        unsafe extern "C-unwind" fn(*mut VmContext, table: u32, delta: u32, init: u64) -> u64,
    /// The cold part of the interrupt check: 0 to go on, or a trap code.
    pub poll: unsafe extern "C-unwind" fn(*mut VmContext) -> u32,
    /// Records a trap (its code's value) as the store's pending unwind;
    /// the caller then unwinds to its entry, which returns [`VM_UNWIND`].
    pub trap: unsafe extern "C-unwind" fn(*mut VmContext, code: u32),
    /// `memory.fill` of memory 0 `(d, value, n)`: 0 or `MemoryOutOfBounds`.
    pub memory_fill: unsafe extern "C-unwind" fn(*mut VmContext, u32, u32, u32) -> u32,
    /// `memory.copy` within memory 0 `(d, s, n)`.
    pub memory_copy: unsafe extern "C-unwind" fn(*mut VmContext, u32, u32, u32) -> u32,
    /// `memory.init` of memory 0 `(segment, d, s, n)`.
    pub memory_init: unsafe extern "C-unwind" fn(*mut VmContext, u32, u32, u32, u32) -> u32,
    /// `data.drop` `(segment)`.
    pub data_drop: unsafe extern "C-unwind" fn(*mut VmContext, u32),
    /// `table.fill` `(table, d, value, n)`: 0 or `TableOutOfBounds`.
    pub table_fill: unsafe extern "C-unwind" fn(*mut VmContext, u32, u32, u64, u32) -> u32,
    /// `table.copy` `(dst table, src table, d, s, n)`.
    pub table_copy: unsafe extern "C-unwind" fn(*mut VmContext, u32, u32, u32, u32, u32) -> u32,
    /// `table.init` `(table, segment, d, s, n)`.
    pub table_init: unsafe extern "C-unwind" fn(*mut VmContext, u32, u32, u32, u32, u32) -> u32,
    /// `elem.drop` `(segment)`.
    pub elem_drop: unsafe extern "C-unwind" fn(*mut VmContext, u32),
    /// Records trap `code` raised in compiled code at module byte `offset`
    /// of function `func_index` (the innermost backtrace frame); the caller
    /// then returns `VM_UNWIND`.
    pub trap_at:
        unsafe extern "C-unwind" fn(*mut VmContext, code: u32, func_index: u32, offset: u32),
    /// Compiled code unwinding through a call site (function `func_index`,
    /// module byte `offset`) after its callee returned `VM_UNWIND`: adds
    /// the frame to a pending trap's backtrace.
    pub frame: unsafe extern "C-unwind" fn(*mut VmContext, func_index: u32, offset: u32),
    /// A module's fault stub, after the platform's handler turned a fault
    /// at `pc` in its code into trap `code`: records the trap with the
    /// frame `ModuleCode::frame_at` names; the stub then returns
    /// `VM_UNWIND` from the faulting function.
    pub fault: unsafe extern "C-unwind" fn(*mut VmContext, code: u32, pc: usize),
}

/// A grow builtin's "the resource limiter failed: unwind" result.
pub const VM_GROW_UNWIND: u64 = u64::MAX;

/// The per-store context every `VmContext` points to. Its fields are the
/// state compiled code reads and writes on hot paths; the rest of the
/// store's execution state sits behind it in the store (Rust-only).
#[repr(C)]
#[derive(Debug)]
pub struct VmStoreContext {
    /// Fuel left before the next slow check, counting down (meaningful with
    /// `Config::consume_fuel`); a charge that would wrap takes the slow
    /// path (`VmBuiltins::out_of_fuel`).
    pub fuel: u64,
    /// The lowest native stack address compiled code may use; a prologue
    /// that would go below it traps with `StackOverflow`.
    pub stack_limit: usize,
    /// Checks left before compiled code polls for interruption (set to 1
    /// at every entry, so a pending interrupt is seen at once).
    pub poll_countdown: usize,
    /// The builtins, a `'static` table.
    pub builtins: *const VmBuiltins,
    /// The innermost active entry, or null when no wasm runs.
    pub entry: *mut VmEntry,
    /// Every function reference of the store by store index: a table slot
    /// `r != 0` names `func_refs[r - 1]`. Re-pointed when the store adds
    /// functions (read it afresh after any call).
    pub func_refs: *const *const VmFuncRef,
}

/// Field offsets that code generators use, checked against the structs.
pub mod offsets {
    use super::*;
    const P: usize = core::mem::size_of::<usize>();

    /// `VmFuncRef::array_call`
    pub const FUNCREF_ARRAY_CALL: usize = 0;
    /// `VmFuncRef::wasm_call`
    pub const FUNCREF_WASM_CALL: usize = P;
    /// `VmFuncRef::vmctx`
    pub const FUNCREF_VMCTX: usize = 2 * P;
    /// `VmFuncRef::type_id`
    pub const FUNCREF_TYPE_ID: usize = 3 * P;
    /// `VmFuncRef::kind`
    pub const FUNCREF_KIND: usize = 3 * P + 4;
    /// `VmFuncRef::index`
    pub const FUNCREF_INDEX: usize = 3 * P + 8;
    /// `VmFuncRef::store_index`
    pub const FUNCREF_STORE_INDEX: usize = 3 * P + 12;
    /// `size_of::<VmFuncRef>()`
    pub const FUNCREF_SIZE: usize = 3 * P + 16;

    /// `VmContext::magic`
    pub const VMCTX_MAGIC_OFF: usize = 0;
    /// `VmContext::instance`
    pub const VMCTX_INSTANCE: usize = 4;
    /// `VmContext::store`
    pub const VMCTX_STORE: usize = 8;
    /// `VmContext::memory`
    pub const VMCTX_MEMORY: usize = 8 + P;
    /// `VmContext::globals`
    pub const VMCTX_GLOBALS: usize = 8 + 2 * P;
    /// `VmContext::tables`
    pub const VMCTX_TABLES: usize = 8 + 3 * P;
    /// `VmContext::func_refs`
    pub const VMCTX_FUNC_REFS: usize = 8 + 4 * P;
    /// `VmContext::type_ids`
    pub const VMCTX_TYPE_IDS: usize = 8 + 5 * P;

    /// `VmStoreContext::fuel`
    pub const STORE_FUEL: usize = 0;
    /// `VmStoreContext::stack_limit`
    pub const STORE_STACK_LIMIT: usize = 8;
    /// `VmStoreContext::poll_countdown`
    pub const STORE_POLL_COUNTDOWN: usize = 8 + P;
    /// `VmStoreContext::builtins`
    pub const STORE_BUILTINS: usize = 8 + 2 * P;
    /// `VmStoreContext::entry`
    pub const STORE_ENTRY: usize = 8 + 3 * P;
    /// `VmStoreContext::func_refs`
    pub const STORE_FUNC_REFS: usize = 8 + 4 * P;

    /// `VmEntry::prev`
    pub const ENTRY_PREV: usize = 0;
    /// `VmEntry::kind`
    pub const ENTRY_KIND: usize = P;
    /// `VmEntry::entry_sp`
    pub const ENTRY_SP: usize = 2 * P;
    /// `VmEntry::entry_fp`
    pub const ENTRY_FP: usize = 3 * P;
    /// `VmEntry::resume_pc`
    pub const ENTRY_RESUME_PC: usize = 4 * P;

    /// `VmBuiltins::memory_grow`
    pub const BUILTIN_MEMORY_GROW: usize = 0;
    /// `VmBuiltins::table_grow`
    pub const BUILTIN_TABLE_GROW: usize = P;
    /// `VmBuiltins::poll`
    pub const BUILTIN_POLL: usize = 2 * P;
    /// `VmBuiltins::trap`
    pub const BUILTIN_TRAP: usize = 3 * P;
    /// `VmBuiltins::memory_fill`
    pub const BUILTIN_MEMORY_FILL: usize = 4 * P;
    /// `VmBuiltins::memory_copy`
    pub const BUILTIN_MEMORY_COPY: usize = 5 * P;
    /// `VmBuiltins::memory_init`
    pub const BUILTIN_MEMORY_INIT: usize = 6 * P;
    /// `VmBuiltins::data_drop`
    pub const BUILTIN_DATA_DROP: usize = 7 * P;
    /// `VmBuiltins::table_fill`
    pub const BUILTIN_TABLE_FILL: usize = 8 * P;
    /// `VmBuiltins::table_copy`
    pub const BUILTIN_TABLE_COPY: usize = 9 * P;
    /// `VmBuiltins::table_init`
    pub const BUILTIN_TABLE_INIT: usize = 10 * P;
    /// `VmBuiltins::elem_drop`
    pub const BUILTIN_ELEM_DROP: usize = 11 * P;
    /// [`VmBuiltins::trap_at`].
    pub const BUILTIN_TRAP_AT: usize = 12 * P;
    /// [`VmBuiltins::frame`].
    pub const BUILTIN_FRAME: usize = 13 * P;
    /// [`VmBuiltins::fault`].
    pub const BUILTIN_FAULT: usize = 14 * P;

    /// `VmMemory::base`
    pub const VMMEMORY_BASE: usize = 0;
    /// `VmMemory::length`
    pub const VMMEMORY_LENGTH: usize = P;
    /// `VmTable::base`
    pub const VMTABLE_BASE: usize = 0;
    /// `VmTable::length`
    pub const VMTABLE_LENGTH: usize = P;

    const _: () = {
        assert!(offset_of!(VmFuncRef, array_call) == FUNCREF_ARRAY_CALL);
        assert!(offset_of!(VmFuncRef, wasm_call) == FUNCREF_WASM_CALL);
        assert!(offset_of!(VmFuncRef, vmctx) == FUNCREF_VMCTX);
        assert!(offset_of!(VmFuncRef, type_id) == FUNCREF_TYPE_ID);
        assert!(offset_of!(VmFuncRef, kind) == FUNCREF_KIND);
        assert!(offset_of!(VmFuncRef, index) == FUNCREF_INDEX);
        assert!(offset_of!(VmFuncRef, store_index) == FUNCREF_STORE_INDEX);
        assert!(core::mem::size_of::<VmFuncRef>() == FUNCREF_SIZE);
        assert!(offset_of!(VmContext, magic) == VMCTX_MAGIC_OFF);
        assert!(offset_of!(VmContext, instance) == VMCTX_INSTANCE);
        assert!(offset_of!(VmContext, store) == VMCTX_STORE);
        assert!(offset_of!(VmContext, memory) == VMCTX_MEMORY);
        assert!(offset_of!(VmContext, globals) == VMCTX_GLOBALS);
        assert!(offset_of!(VmContext, tables) == VMCTX_TABLES);
        assert!(offset_of!(VmContext, func_refs) == VMCTX_FUNC_REFS);
        assert!(offset_of!(VmContext, type_ids) == VMCTX_TYPE_IDS);
        assert!(offset_of!(VmStoreContext, fuel) == STORE_FUEL);
        assert!(offset_of!(VmStoreContext, stack_limit) == STORE_STACK_LIMIT);
        assert!(offset_of!(VmStoreContext, poll_countdown) == STORE_POLL_COUNTDOWN);
        assert!(offset_of!(VmStoreContext, builtins) == STORE_BUILTINS);
        assert!(offset_of!(VmStoreContext, entry) == STORE_ENTRY);
        assert!(offset_of!(VmStoreContext, func_refs) == STORE_FUNC_REFS);
        assert!(offset_of!(VmEntry, prev) == ENTRY_PREV);
        assert!(offset_of!(VmEntry, kind) == ENTRY_KIND);
        assert!(offset_of!(VmEntry, entry_sp) == ENTRY_SP);
        assert!(offset_of!(VmEntry, entry_fp) == ENTRY_FP);
        assert!(offset_of!(VmEntry, resume_pc) == ENTRY_RESUME_PC);
        assert!(offset_of!(VmBuiltins, memory_grow) == BUILTIN_MEMORY_GROW);
        assert!(offset_of!(VmBuiltins, table_grow) == BUILTIN_TABLE_GROW);
        assert!(offset_of!(VmBuiltins, poll) == BUILTIN_POLL);
        assert!(offset_of!(VmBuiltins, trap) == BUILTIN_TRAP);
        assert!(offset_of!(VmBuiltins, memory_fill) == BUILTIN_MEMORY_FILL);
        assert!(offset_of!(VmBuiltins, memory_copy) == BUILTIN_MEMORY_COPY);
        assert!(offset_of!(VmBuiltins, memory_init) == BUILTIN_MEMORY_INIT);
        assert!(offset_of!(VmBuiltins, data_drop) == BUILTIN_DATA_DROP);
        assert!(offset_of!(VmBuiltins, table_fill) == BUILTIN_TABLE_FILL);
        assert!(offset_of!(VmBuiltins, table_copy) == BUILTIN_TABLE_COPY);
        assert!(offset_of!(VmBuiltins, table_init) == BUILTIN_TABLE_INIT);
        assert!(offset_of!(VmBuiltins, elem_drop) == BUILTIN_ELEM_DROP);
        assert!(offset_of!(VmBuiltins, trap_at) == BUILTIN_TRAP_AT);
        assert!(offset_of!(VmBuiltins, frame) == BUILTIN_FRAME);
        assert!(offset_of!(VmBuiltins, fault) == BUILTIN_FAULT);
        assert!(offset_of!(VmMemory, base) == VMMEMORY_BASE);
        assert!(offset_of!(VmMemory, length) == VMMEMORY_LENGTH);
        assert!(offset_of!(VmTable, base) == VMTABLE_BASE);
        assert!(offset_of!(VmTable, length) == VMTABLE_LENGTH);
    };
}
