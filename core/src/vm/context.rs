//! `#[repr(C)]` runtime structures that generated code reads at fixed
//! offsets. The store owns every one of them in a `Box` so their addresses
//! never move; the interpreter reads the same structures, so both kinds of
//! backend see one source of truth.
use core::mem::offset_of;
use core::sync::atomic::AtomicU32;

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

/// The per-instance context: the first argument of every compiled function.
///
/// Every pointer targets memory the owning store keeps alive and in place
/// for as long as the instance exists.
#[repr(C)]
#[derive(Debug)]
pub struct VmContext {
    /// Remaining fuel (counts down; meaningful when fuel is enabled). First,
    /// so that its 8-byte alignment costs no padding on 32-bit targets.
    pub fuel: i64,
    /// Memory 0, or null when the module has none.
    pub memory: *mut VmMemory,
    /// One pointer per global (imported first) to its 64-bit cell.
    pub globals: *const *mut u64,
    /// One pointer per table (imported first).
    pub tables: *const *mut VmTable,
    /// Store function index of each function index in the module
    /// (imported first); compiled `call`s to imports go through it.
    pub funcs: *const u32,
    /// Engine-wide signature ids of the module's types, for `call_indirect`.
    pub type_ids: *const u32,
    /// Non-zero asks running code to stop at the next check point.
    pub interrupt: *const AtomicU32,
}

/// Field offsets that code generators use, checked against the structs.
pub mod offsets {
    use super::*;
    const P: usize = core::mem::size_of::<usize>();
    /// `VmContext::fuel`
    pub const VMCTX_FUEL: usize = 0;
    /// `VmContext::memory`
    pub const VMCTX_MEMORY: usize = 8;
    /// `VmContext::globals`
    pub const VMCTX_GLOBALS: usize = 8 + P;
    /// `VmContext::tables`
    pub const VMCTX_TABLES: usize = 8 + 2 * P;
    /// `VmContext::funcs`
    pub const VMCTX_FUNCS: usize = 8 + 3 * P;
    /// `VmContext::type_ids`
    pub const VMCTX_TYPE_IDS: usize = 8 + 4 * P;
    /// `VmContext::interrupt`
    pub const VMCTX_INTERRUPT: usize = 8 + 5 * P;
    /// `VmMemory::base`
    pub const VMMEMORY_BASE: usize = 0;
    /// `VmMemory::length`
    pub const VMMEMORY_LENGTH: usize = core::mem::size_of::<usize>();

    const _: () = {
        assert!(offset_of!(VmContext, memory) == VMCTX_MEMORY);
        assert!(offset_of!(VmContext, globals) == VMCTX_GLOBALS);
        assert!(offset_of!(VmContext, tables) == VMCTX_TABLES);
        assert!(offset_of!(VmContext, funcs) == VMCTX_FUNCS);
        assert!(offset_of!(VmContext, type_ids) == VMCTX_TYPE_IDS);
        assert!(offset_of!(VmContext, fuel) == VMCTX_FUEL);
        assert!(offset_of!(VmContext, interrupt) == VMCTX_INTERRUPT);
        assert!(offset_of!(VmMemory, base) == VMMEMORY_BASE);
        assert!(offset_of!(VmMemory, length) == VMMEMORY_LENGTH);
    };
}
