//! [`Engine`] and [`Config`]: the process-wide, shareable part of wasmbed.
//! An engine owns the configuration (limits, platform hooks, enabled
//! features) and the registry that gives every function signature an
//! engine-wide id, so `call_indirect` compares one integer. It owns no
//! instances: those live in a [`Store`](crate::Store).
use crate::backend::Backend;
use crate::platform::{AllocMemoryCreator, Clock, Executable, MemoryCreator, Parallelism};
use crate::types::FuncType;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicUsize, Ordering};

/// Settings for an [`Engine`].
#[derive(Clone)]
pub struct Config {
    pub(crate) max_call_depth: u32,
    pub(crate) max_wasm_stack: usize,
    pub(crate) memory_creator: Arc<dyn MemoryCreator>,
    pub(crate) executable: Option<Arc<dyn Executable>>,
    pub(crate) parallelism: Option<Arc<dyn Parallelism>>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
    pub(crate) features: wasmparser::WasmFeatures,
    pub(crate) consume_fuel: bool,
    pub(crate) fault_traps: bool,
    pub(crate) interruptible: bool,
    pub(crate) lazy_translation: bool,
    pub(crate) strategy: Strategy,
    pub(crate) backend: Option<Arc<dyn Backend>>,
    pub(crate) strict_backend: bool,
    pub(crate) max_native_stack: usize,
}

/// Which tier runs a module's functions (wasmtime's `Config::strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The installed backend ([`Config::backend`]) if it can run on this
    /// host with this configuration, else the interpreter. The default.
    #[default]
    Auto,
    /// Always the interpreter.
    Interpreter,
    /// The installed backend; `Module::new` fails, saying why, when there
    /// is none or it cannot run here.
    Jit,
}

impl Default for Config {
    fn default() -> Config {
        Config::new()
    }
}

impl Config {
    /// The defaults: a wasm stack of up to [`Config::DEFAULT_MAX_WASM_STACK`]
    /// bytes with no separate limit on call depth, memories on the global
    /// allocator, no clock, no JIT.
    pub fn new() -> Config {
        #[allow(unused_mut)]
        let mut features = wasmparser::WasmFeatures::WASM2;
        // Without the `simd` cargo feature the executor has no v128 ops
        // (they cost flash on small devices), so such modules are rejected
        // up front by the validator with a clear message.
        #[cfg(not(feature = "simd"))]
        features.remove(wasmparser::WasmFeatures::SIMD);
        Config {
            max_call_depth: u32::MAX,
            max_wasm_stack: Config::DEFAULT_MAX_WASM_STACK,
            memory_creator: Arc::new(AllocMemoryCreator),
            executable: None,
            parallelism: None,
            clock: None,
            features,
            consume_fuel: false,
            fault_traps: false,
            interruptible: false,
            lazy_translation: true,
            strategy: Strategy::Auto,
            backend: None,
            strict_backend: false,
            max_native_stack: Config::DEFAULT_MAX_NATIVE_STACK,
        }
    }

    /// The default of [`Config::max_wasm_stack`]: 64 MiB, of which a guest
    /// uses (and the store allocates) only what its calls need.
    ///
    /// Sized so that guests run here whenever they run on wasmtime, even
    /// with the larger stack some toolchains ask it for. wasmtime's own
    /// default is 512 KiB of native stack, and Go's `go_wasip1_wasm_exec`
    /// runs it with `-W max-wasm-stack=8388608` (8 MiB) because Go's tests
    /// recurse that deep. An interpreter frame holds every local and
    /// temporary in an 8-byte slot plus a frame record, where compiled
    /// code keeps most of them in registers, so the same recursion takes
    /// more bytes here. Measured on x86-64 against wasmtime 50 (deepest
    /// recursion that fits in the same number of bytes): a C
    /// recursive-descent parser 2.5x (115 bytes a frame here, 48 there),
    /// a Go mutual recursion 3.1x; Go's `encoding/json` tests need 24 MiB
    /// here. 8 MiB times 3.1 is 25 MiB; the default is 64 MiB so that
    /// functions with up to 8x bigger frames than compiled code still
    /// fit. The stacks start at 8 KiB and double when a call needs more,
    /// so small guests pay nothing for the headroom; a runaway recursion
    /// stops after at most this much memory (64 MiB of zeroed slots take
    /// a few tens of milliseconds to reach).
    pub const DEFAULT_MAX_WASM_STACK: usize = 64 << 20;

    /// Most bytes of wasm stack (wasmtime's name for the setting): the
    /// interpreter's value stack (every active frame's locals and
    /// temporaries, 8 bytes each) plus one frame record per active call
    /// (16 bytes on 32-bit targets, 32 on 64-bit ones). A call that would
    /// go beyond it traps with `TrapCode::StackOverflow`, as does one for
    /// which the allocator has no memory. Both stacks live on the heap and
    /// grow on demand up to this total, so the host's own stack never
    /// limits recursion depth.
    ///
    /// The default is [`Config::DEFAULT_MAX_WASM_STACK`]; small devices set
    /// what they can spare (anything from a few hundred bytes works; the
    /// floor is 256).
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_wasm_stack = bytes.max(256);
        self
    }

    /// Most nested wasm calls before `TrapCode::StackOverflow`, on top of
    /// the byte limit of [`Config::max_wasm_stack`]. No separate limit by
    /// default: the byte limit already bounds depth, and a count is only
    /// needed to match another runtime's depth exactly.
    pub fn max_call_depth(&mut self, depth: u32) -> &mut Self {
        self.max_call_depth = depth.max(1);
        self
    }

    /// The byte limit of [`Config::max_wasm_stack`] given in 8-byte
    /// value-stack slots (`slots * 8` bytes, frame records included); kept
    /// for embedders that sized the stack in slots.
    pub fn max_value_stack(&mut self, slots: usize) -> &mut Self {
        self.max_wasm_stack(slots.saturating_mul(8))
    }

    /// Whether a hardware fault inside registered compiled code becomes a
    /// trap: set by a platform that installs a fault handler honouring
    /// `vm::code` (`wasmbed::use_host_platform` does where it has one).
    /// With it, and a memory creator's
    /// [`guaranteed_reservation`](crate::platform::MemoryCreator::guaranteed_reservation)
    /// covering the 32-bit index space, JIT code leaves out bounds checks.
    pub fn fault_traps(&mut self, enable: bool) -> &mut Self {
        self.fault_traps = enable;
        self
    }

    /// Charge fuel for executed code: every basic block costs the number of
    /// wasm instructions in it, and running out traps with
    /// `TrapCode::OutOfFuel` (see `Store::set_fuel`). Off by default; when
    /// off, compiled code carries no fuel accounting at all.
    pub fn consume_fuel(&mut self, enable: bool) -> &mut Self {
        self.consume_fuel = enable;
        self
    }

    /// Check for interruption (`Store::interrupt_handle`), deadlines
    /// (`Store::set_deadline`) and epoch deadlines
    /// (`Store::set_epoch_deadline`) at every function entry and loop
    /// iteration.
    /// Off by default; when off, compiled code carries no checks.
    pub fn interruptible(&mut self, enable: bool) -> &mut Self {
        self.interruptible = enable;
        self
    }

    /// wasmtime's name for the epoch half of [`Config::interruptible`]:
    /// `true` turns the checks on (they serve interrupts, clock deadlines
    /// and epoch deadlines alike); `false` leaves the setting as it is.
    pub fn epoch_interruption(&mut self, enable: bool) -> &mut Self {
        if enable {
            self.interruptible = true;
        }
        self
    }

    /// Translate each function for the interpreter when it is first called
    /// (the default), or all of them in `Module::new`. Validation is always
    /// complete in `Module::new`; lazy translation makes large modules start
    /// fast, eager translation moves the (rare) "function too large for the
    /// interpreter" error to `Module::new`.
    pub fn lazy_translation(&mut self, lazy: bool) -> &mut Self {
        self.lazy_translation = lazy;
        self
    }

    /// Accept memories with 1-byte pages (the custom-page-sizes proposal),
    /// so a guest can ask for a few bytes of memory instead of a 64 KiB
    /// page. Off by default: such modules are rejected as invalid.
    pub fn custom_page_sizes(&mut self, enable: bool) -> &mut Self {
        self.features
            .set(wasmparser::WasmFeatures::CUSTOM_PAGE_SIZES, enable);
        self
    }

    /// Where linear memories get their bytes.
    pub fn memory_creator(&mut self, creator: Arc<dyn MemoryCreator>) -> &mut Self {
        self.memory_creator = creator;
        self
    }

    /// Which tier runs functions: see [`Strategy`]. `Auto` by default.
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Self {
        self.strategy = strategy;
        self
    }

    /// Installs a code generator (the `wasmbed` crate installs the host's
    /// JIT when it is built with one). Functions it refuses run on the
    /// interpreter, unless [`Config::strict_backend`] is set.
    pub fn backend(&mut self, backend: Arc<dyn Backend>) -> &mut Self {
        self.backend = Some(backend);
        self
    }

    /// The installed backend, if any.
    pub fn get_backend(&self) -> Option<&Arc<dyn Backend>> {
        self.backend.as_ref()
    }

    /// Makes a backend's refusal to compile a function an error of
    /// `Module::new` naming the function and the reason, instead of a
    /// fallback to the interpreter (V8's `--liftoff-only`): for tests that
    /// must know a backend's coverage is real. Off by default.
    pub fn strict_backend(&mut self, strict: bool) -> &mut Self {
        self.strict_backend = strict;
        self
    }

    /// The default of [`Config::max_native_stack`]: 512 KiB, as wasmtime's
    /// `max_wasm_stack`.
    pub const DEFAULT_MAX_NATIVE_STACK: usize = 512 << 10;

    /// Most bytes of host stack that wasm calls may use below the outermost
    /// call into a store: every host→wasm re-entry and every activation of
    /// compiled code takes some. Going past it is `TrapCode::StackOverflow`,
    /// never a crash, provided the thread's stack has this much room left
    /// where the embedder calls in (a thread with a small stack sets a
    /// smaller limit). Interpreted wasm→wasm calls use no host stack; they
    /// are bounded by [`Config::max_wasm_stack`].
    pub fn max_native_stack(&mut self, bytes: usize) -> &mut Self {
        self.max_native_stack = bytes;
        self
    }

    /// Threads for compiling a module's functions in parallel (a JIT
    /// backend's `compile_function` runs on them); without, functions are
    /// compiled one after another on the calling thread.
    pub fn parallelism(&mut self, p: Arc<dyn Parallelism>) -> &mut Self {
        self.parallelism = Some(p);
        self
    }

    /// Code memory for JIT backends.
    pub fn executable(&mut self, exec: Arc<dyn Executable>) -> &mut Self {
        self.executable = Some(exec);
        self
    }

    /// The clock for deadlines and WASI.
    pub fn clock(&mut self, clock: Arc<dyn Clock>) -> &mut Self {
        self.clock = Some(clock);
        self
    }

    /// The clock, if the embedder provided one.
    pub fn get_clock(&self) -> Option<&Arc<dyn Clock>> {
        self.clock.as_ref()
    }

    /// Code memory, if the embedder provided it.
    pub fn get_executable(&self) -> Option<&Arc<dyn Executable>> {
        self.executable.as_ref()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("max_call_depth", &self.max_call_depth)
            .field("max_wasm_stack", &self.max_wasm_stack)
            .field("has_executable", &self.executable.is_some())
            .field("has_clock", &self.clock.is_some())
            .field("consume_fuel", &self.consume_fuel)
            .field("interruptible", &self.interruptible)
            .field("lazy_translation", &self.lazy_translation)
            .field("strategy", &self.strategy)
            .field("backend", &self.backend.as_ref().map(|b| b.name()))
            .field("strict_backend", &self.strict_backend)
            .field("max_native_stack", &self.max_native_stack)
            .finish()
    }
}

/// The shared compilation and type context. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    config: Config,
    types: spin::Mutex<TypeRegistry>,
    /// The epoch counter that [`Engine::increment_epoch`] advances and
    /// `Store::set_epoch_deadline` measures against. `usize` because
    /// Cortex-M has no 64-bit atomics; deadlines compare by wrapping
    /// distance, so only a wait of 2^32 ticks on a 32-bit target is lost.
    epoch: AtomicUsize,
}

/// Interns signatures. Ids are never reused while the engine lives, so the
/// registry only grows; an engine sees as many distinct signatures as its
/// modules declare, which is bounded by what it is fed.
///
/// A sorted index rather than a hash map: lookups are binary searches, a
/// module's new signatures are merged in one pass (so a module declaring
/// a million of them costs O(n log n), not a million insertions), and
/// small builds carry no hashing code.
#[derive(Default)]
struct TypeRegistry {
    /// Signatures by id.
    types: Vec<FuncType>,
    /// Every id, sorted by its signature (`FuncType::order`).
    by_type: Vec<u32>,
}

impl TypeRegistry {
    /// Where `ty` is in `by_type`, or where it would go.
    fn find(&self, ty: &FuncType) -> Result<usize, usize> {
        self.by_type
            .binary_search_by(|&id| self.types[id as usize].order(ty))
    }

    fn intern(&mut self, ty: &FuncType) -> u32 {
        match self.find(ty) {
            Ok(at) => self.by_type[at],
            Err(at) => {
                let id = self.types.len() as u32;
                self.types.push(ty.clone());
                self.by_type.insert(at, id);
                id
            }
        }
    }

    /// The ids of `tys`, interning the new ones.
    fn intern_all(&mut self, tys: &[FuncType]) -> Vec<u32> {
        let mut ids = alloc::vec![0u32; tys.len()];
        // Indices (into `tys`) of the signatures not yet known.
        let mut new: Vec<u32> = Vec::new();
        for (i, ty) in tys.iter().enumerate() {
            match self.find(ty) {
                Ok(at) => ids[i] = self.by_type[at],
                Err(_) => new.push(i as u32),
            }
        }
        if new.is_empty() {
            return ids;
        }
        crate::sorted::heapsort(&mut new, |&a, &b| {
            tys[a as usize].order(&tys[b as usize]).is_lt()
        });
        // New ids in signature order; a signature declared twice gets one.
        let mut added: Vec<u32> = Vec::with_capacity(new.len());
        let mut prev: Option<u32> = None;
        for &i in &new {
            let ty = &tys[i as usize];
            if let Some(p) = prev.filter(|&p| tys[p as usize].order(ty).is_eq()) {
                ids[i as usize] = ids[p as usize];
                continue;
            }
            let id = self.types.len() as u32;
            self.types.push(ty.clone());
            ids[i as usize] = id;
            added.push(id);
            prev = Some(i);
        }
        let types = &self.types;
        let old = core::mem::take(&mut self.by_type);
        self.by_type = crate::sorted::merge(old, added, |&x, &y| {
            types[x as usize].order(&types[y as usize]).is_lt()
        });
        ids
    }
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default())
    }
}

impl Engine {
    /// An engine with this configuration.
    pub fn new(config: &Config) -> Engine {
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                types: spin::Mutex::new(TypeRegistry::default()),
                epoch: AtomicUsize::new(0),
            }),
        }
    }

    /// Advances the epoch by one tick: wasm code of this engine's stores
    /// whose epoch deadline is now reached stops with
    /// `TrapCode::Interrupt` at its next check point (see
    /// `Store::set_epoch_deadline`). Cheap, lock-free, callable from any
    /// thread: for hosts that prefer a ticker to a clock deadline.
    pub fn increment_epoch(&self) {
        self.inner.epoch.fetch_add(1, Ordering::Relaxed);
    }

    /// The current epoch.
    pub(crate) fn current_epoch(&self) -> usize {
        self.inner.epoch.load(Ordering::Relaxed)
    }

    /// The configuration it was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// True when both handles are the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    pub(crate) fn intern_type(&self, ty: &FuncType) -> u32 {
        self.inner.types.lock().intern(ty)
    }

    /// The ids of a module's signatures, interning the new ones at once.
    pub(crate) fn intern_types(&self, tys: &[FuncType]) -> Vec<u32> {
        self.inner.types.lock().intern_all(tys)
    }

    pub(crate) fn type_of(&self, id: u32) -> FuncType {
        self.inner.types.lock().types[id as usize].clone()
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("config", &self.inner.config)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::TypeRegistry;
    use crate::types::{FuncType, ValType};
    use alloc::vec::Vec;

    fn ty(params: &[ValType], results: &[ValType]) -> FuncType {
        FuncType::new(params.iter().copied(), results.iter().copied())
    }

    #[test]
    fn a_signature_gets_one_id_however_it_is_interned() {
        use ValType::*;
        let a = ty(&[I32], &[I64]);
        let b = ty(&[I32, I64], &[]);
        let c = ty(&[], &[I32, I64]);
        let d = ty(&[F32], &[F32]);
        let mut reg = TypeRegistry::default();
        let first = reg.intern(&b);
        // A batch with repeats, a known signature and new ones.
        let ids = reg.intern_all(&[a.clone(), b.clone(), c.clone(), a.clone(), d.clone()]);
        assert_eq!(ids[1], first);
        assert_eq!(ids[0], ids[3]);
        let distinct: Vec<u32> = [ids[0], ids[1], ids[2], ids[4]].to_vec();
        for (i, x) in distinct.iter().enumerate() {
            assert!(!distinct[i + 1..].contains(x), "{ids:?}");
        }
        // Params and results are told apart, not just the list of types.
        assert_ne!(reg.intern(&ty(&[I32, I64], &[])), reg.intern(&c));
        // Later lookups, one by one or in a batch, find the same ids.
        for (t, id) in [(&a, ids[0]), (&b, ids[1]), (&c, ids[2]), (&d, ids[4])] {
            assert_eq!(reg.intern(t), id);
            assert!(reg.types[id as usize] == *t);
        }
        assert_eq!(
            reg.intern_all(&[d, c, b, a]),
            [ids[4], ids[2], ids[1], ids[0]]
        );
        assert_eq!(reg.types.len(), 4);
        assert_eq!(reg.by_type.len(), 4);
    }

    #[test]
    fn many_signatures_stay_sorted_and_found() {
        use ValType::*;
        let kinds = [I32, I64, F32, F64];
        let mut all = Vec::new();
        for n in 0..3usize {
            for code in 0..4usize.pow(n as u32) {
                let params: Vec<ValType> = (0..n).map(|j| kinds[(code >> (2 * j)) & 3]).collect();
                all.push(ty(&params, &[]));
                all.push(ty(&[], &params));
            }
        }
        let mut reg = TypeRegistry::default();
        let (front, back) = all.split_at(all.len() / 2);
        let ids_back = reg.intern_all(back);
        let ids_front = reg.intern_all(front);
        let ids: Vec<u32> = ids_front.into_iter().chain(ids_back).collect();
        for (t, &id) in all.iter().zip(&ids) {
            assert_eq!(reg.find(t).map(|at| reg.by_type[at]), Ok(id));
        }
        assert!(reg.by_type.windows(2).all(|w| reg.types[w[0] as usize]
            .order(&reg.types[w[1] as usize])
            .is_lt()));
    }
}
