// A small plugin host written against wasmtime 48's API, with no `use`
// lines of its own: `tests/tests/wasmtime_port.rs` includes it after
// `use wasmbed::{..}` and `benches/tests/wasmtime_port.rs` after
// `use wasmtime::{..}`, and both must compile it unchanged. Nothing here
// may name the runtime's crate.
//
// The guest side is two modules linked by name: `lib` (a reactor, set up
// by `Linker::module`) owns the memory and a few helpers, `plugin` imports
// them from `lib` and calls back into the host through `env`. A third
// module is a command (it exports `_start`) that imports from `plugin`,
// run the way a WASI command is, through `Linker::module` and
// `Linker::get_default`.

/// What the host keeps per store.
#[derive(Debug, Default)]
pub struct HostState {
    /// The configuration handed to the plugin by `env.config`.
    pub config: String,
    /// The lines the guests logged through `env.log`, in order.
    pub log: Vec<String>,
    /// How many times a guest fetched the configuration.
    pub config_reads: u32,
}

/// The error `env.log` raises for a line longer than [`LOG_LIMIT`]; the
/// embedder gets it back from the failed call with `downcast_ref`.
#[derive(Debug, PartialEq, Eq)]
pub struct LineTooLong {
    pub len: u32,
    pub limit: u32,
}

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "log line of {} bytes exceeds the limit of {}",
            self.len, self.limit
        )
    }
}

impl std::error::Error for LineTooLong {}

/// The longest line `env.log` accepts, in bytes.
pub const LOG_LIMIT: u32 = 64;

/// Where `plugin.load_config` asks the host to put the configuration.
pub const CONFIG_AT: usize = 128;

const LIB_WAT: &str = r#"
(module
  (import "env" "log" (func $log (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello, host")
  (data (i32.const 16) "caf\c3\a9 au lait")
  (data (i32.const 48) "\ff\fe not UTF-8")
  (data (i32.const 80) "lib ready")

  ;; A reactor's initializer: `Linker::module` runs it once.
  (func (export "_initialize")
    (drop (call $log (i32.const 80) (i32.const 9))))

  ;; The sum of the bytes at [ptr, ptr + len).
  (func (export "checksum") (param $ptr i32) (param $len i32) (result i32)
    (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  (func (export "div") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1))))
"#;

const PLUGIN_WAT: &str = r#"
(module
  (import "env" "log" (func $log (param i32 i32) (result i32)))
  (import "env" "config" (func $config (param i32 i32) (result i32)))
  (import "env" "lines" (func $lines (result i32)))
  (import "lib" "memory" (memory $mem 1))
  (import "lib" "checksum" (func $checksum (param i32 i32) (result i32)))
  (import "lib" "div" (func $div (param i32 i32) (result i32)))
  ;; Re-exported so that the host functions find it through their caller.
  (export "memory" (memory $mem))

  ;; Logs two lines; returns how many the host holds.
  (func (export "greet") (result i32)
    (drop (call $log (i32.const 0) (i32.const 11)))
    (drop (call $log (i32.const 16) (i32.const 13)))
    (call $lines))

  (func (export "log_at") (param i32 i32) (result i32)
    (call $log (local.get 0) (local.get 1)))

  ;; Fetches the configuration, logs it and returns its checksum.
  (func (export "load_config") (result i32)
    (local $n i32)
    (local.set $n (call $config (i32.const 128) (i32.const 64)))
    (drop (call $log (i32.const 128) (local.get $n)))
    (call $checksum (i32.const 128) (local.get $n)))

  (func (export "average") (param $sum i32) (param $count i32) (result i32)
    (call $div (local.get $sum) (local.get $count))))
"#;

const COMMAND_WAT: &str = r#"
(module
  (import "env" "log" (func $log (param i32 i32) (result i32)))
  (import "plugin" "load_config" (func $load_config (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "command ran")
  (func (export "_start")
    (drop (call $log (i32.const 0) (i32.const 11)))
    (drop (call $load_config))))
"#;

/// The memory of the instance that called a host function.
fn caller_memory(caller: &mut Caller<'_, HostState>) -> Result<Memory> {
    caller
        .get_export("memory")
        .and_then(|e| e.into_memory())
        .context("the calling module exports no `memory`")
}

/// `env.log(ptr, len) -> len`: appends the UTF-8 text at `ptr` in the
/// caller's memory to the host's log.
fn log(mut caller: Caller<'_, HostState>, ptr: i32, len: i32) -> Result<i32> {
    let memory = caller_memory(&mut caller)?;
    let len = u32::try_from(len).context("negative log length")?;
    if len > LOG_LIMIT {
        return Err(LineTooLong {
            len,
            limit: LOG_LIMIT,
        }
        .into());
    }
    let start = ptr as u32 as usize;
    let Some(bytes) = memory.data(&caller).get(start..start + len as usize) else {
        bail!("log line at {start:#x} is out of bounds");
    };
    let line = std::str::from_utf8(bytes)
        .context("log line is not UTF-8")?
        .to_owned();
    caller.data_mut().log.push(line);
    Ok(len as i32)
}

/// The engine, the linker with `env` and `lib` defined, and the plugin's
/// instance, in a fresh store whose host hands out `config`.
pub fn setup(config: &str) -> Result<(Store<HostState>, Linker<HostState>, Instance)> {
    let engine = Engine::default();
    let mut linker = Linker::new(&engine);
    linker.func_wrap("env", "log", log)?;
    // `env.config(ptr, cap) -> len`: writes the configuration into the
    // caller's memory at `ptr`, if it fits in `cap` bytes.
    linker.func_wrap(
        "env",
        "config",
        |mut caller: Caller<'_, HostState>, ptr: i32, cap: i32| -> Result<i32> {
            let memory = caller_memory(&mut caller)?;
            let text = caller.data().config.clone().into_bytes();
            ensure!(
                text.len() <= cap as usize,
                "the configuration needs {} bytes, the guest offered {cap}",
                text.len()
            );
            let start = ptr as u32 as usize;
            let dst = memory
                .data_mut(&mut caller)
                .get_mut(start..start + text.len())
                .with_context(|| format!("configuration buffer at {start:#x} is out of bounds"))?;
            dst.copy_from_slice(&text);
            caller.data_mut().config_reads += 1;
            Ok(text.len() as i32)
        },
    )?;

    let state = HostState {
        config: config.to_owned(),
        ..HostState::default()
    };
    let mut store = Store::new(&engine, state);
    // `env.lines() -> n`: a host function that exists only in this store.
    let lines = Func::wrap(&mut store, |caller: Caller<'_, HostState>| -> i32 {
        caller.data().log.len() as i32
    });
    linker.define(&store, "env", "lines", lines)?;
    let lib = Module::new(&engine, LIB_WAT).context("compiling lib")?;
    linker.module(&mut store, "lib", &lib)?;
    let plugin = Module::new(&engine, PLUGIN_WAT).context("compiling plugin")?;
    let plugin = linker
        .instantiate(&mut store, &plugin)
        .context("instantiating plugin")?;
    Ok((store, linker, plugin))
}

/// `len` bytes of `memory` at `at`, for any holder of the store.
fn read_guest(store: impl AsContext, memory: &Memory, at: usize, len: usize) -> Result<Vec<u8>> {
    let mut bytes = vec![0; len];
    memory
        .read(&store, at, &mut bytes)
        .with_context(|| format!("reading {len} bytes of guest memory at {at:#x}"))?;
    Ok(bytes)
}

/// What one run of the plugin produced.
#[derive(Debug)]
pub struct Report {
    /// `greet`'s result: how many lines were logged by then.
    pub greeted: i32,
    /// `load_config`'s result: the checksum `lib` computed.
    pub checksum: i32,
    /// The configuration as the host finds it in guest memory afterwards.
    pub config_in_guest: Vec<u8>,
    /// `average(sum, count)`.
    pub average: i32,
    /// The host state at the end: the log and the counters.
    pub state: HostState,
}

/// Runs the plugin's happy path, then the command twice.
pub fn run(config: &str, sum: i32, count: i32) -> Result<Report> {
    let (mut store, mut linker, plugin) = setup(config)?;

    let greet = plugin.get_typed_func::<(), i32>(&mut store, "greet")?;
    let greeted = greet.call(&mut store, ())?;
    let load_config = plugin.get_typed_func::<(), i32>(&mut store, "load_config")?;
    let checksum = load_config.call(&mut store, ())?;

    let memory = match plugin.get_export(&mut store, "memory") {
        Some(Extern::Memory(memory)) => memory,
        Some(_) => bail!("the plugin's `memory` export is not a memory"),
        None => return Err(format_err!("the plugin exports no memory")),
    };
    let config_in_guest = read_guest(&store, &memory, CONFIG_AT, config.len())?;

    // An untyped call, as a host that learns signatures at run time makes.
    let average = plugin
        .get_func(&mut store, "average")
        .context("the plugin exports no `average`")?;
    ensure!(
        average.ty(&store).params().len() == 2,
        "`average` takes two arguments"
    );
    let mut results = [Val::I32(0)];
    average
        .call(&mut store, &[Val::I32(sum), Val::I32(count)], &mut results)
        .context("averaging")?;
    let average = results[0].i32().context("`average` returned no i32")?;

    // A command gets a fresh instance for every call of its entry point;
    // the plugin it imports from stays the one instance.
    linker.instance(&mut store, "plugin", plugin)?;
    let command = Module::new(linker.engine(), COMMAND_WAT)?;
    linker.module(&mut store, "command", &command)?;
    let start = linker
        .get_default(&mut store, "command")?
        .typed::<(), ()>(&store)?;
    start.call(&mut store, ())?;
    start.call(&mut store, ())?;

    Ok(Report {
        greeted,
        checksum,
        config_in_guest,
        average,
        state: store.into_data(),
    })
}

/// Calls `plugin.log_at(ptr, len)` in a fresh store: the error a failing
/// host function hands back to the embedder.
pub fn log_at(ptr: i32, len: i32) -> Result<i32> {
    let (mut store, _, plugin) = setup("")?;
    let log_at = plugin.get_typed_func::<(i32, i32), i32>(&mut store, "log_at")?;
    log_at.call(&mut store, (ptr, len))
}

/// How the embedder reports a failed run: by what the error carries, not
/// by how the runtime words it.
pub fn describe(error: &Error) -> String {
    if let Some(e) = error.downcast_ref::<LineTooLong>() {
        format!("rejected: {e}")
    } else if let Some(e) = error.downcast_ref::<std::str::Utf8Error>() {
        format!("bad text: valid up to byte {}", e.valid_up_to())
    } else if error.downcast_ref::<Trap>().is_some() {
        format!("trapped: {}", error.root_cause())
    } else {
        format!("failed: {error:#}")
    }
}
