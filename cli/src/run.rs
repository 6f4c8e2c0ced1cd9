//! `wasmbed run`: load a module, give it WASI (arguments, environment,
//! the host's stdio and the mounts named on the command line), and call
//! `_start` or an export named with `--invoke`, printing its results. A
//! guest's `proc_exit(n)` becomes the process's exit code `n`.
//!
//! Mounts: `--dir HOST[::GUEST]` (wasmtime's spelling), `--mount
//! HOST:GUEST[:ro]` (wazero's), `--tmpfs GUEST` (an empty in-memory
//! directory). `--audit FILE` records every filesystem operation of every
//! mount as JSON lines, and `--deny GUEST_PREFIX[=OPS]` refuses operations
//! under a path with `EACCES` (audited like the rest). A run never goes on
//! unaudited: once a record cannot be written, file operations fail with
//! `EIO` and the run fails (exit code 1, the audit file and the OS error on
//! stderr) however the guest ended.
use super::limits::LimitArgs;
use crate::backend::BackendChoice;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;
use wasmbed::{Engine, Error, ErrorKind, Linker, Module, Store, Val, ValType};
use wasmbed_wasi::fs::audit::{
    AuditError, AuditFs, AuditRecord, AuditSink, AuditStatus, JsonLines, Ops, Policy,
};
use wasmbed_wasi::fs::memory::MemoryFs;
use wasmbed_wasi::fs::readonly::ReadOnlyFs;
use wasmbed_wasi::fs::FileSystem;
use wasmbed_wasi::WasiCtx;

/// Arguments of `wasmbed run`.
#[derive(Args, Debug, Default)]
pub struct RunArgs {
    /// The module: a `.wasm` binary or `.wat` text file.
    pub module: PathBuf,
    /// Call this export instead of `_start`; the trailing arguments are its
    /// parameters (integers or floats, as its type says) and its results
    /// are printed one per line.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,
    /// How the guest sees the host (boxed: clap's `Command` enum stays small).
    #[command(flatten)]
    pub wasi: Box<WasiArgs>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Which tier runs the guest: `auto` (the host's JIT if built, else the
    /// interpreter), `interp`, or `jit` (strict: a function the JIT cannot
    /// compile is an error).
    #[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
    pub backend: BackendChoice,
    /// Arguments for the guest (after the module; the guest's argv[0] is
    /// the module path), or with --invoke the function's parameters. The
    /// process exits with the guest's `proc_exit` code.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// The WASI options of `wasmbed run`: mounts, environment, auditing.
#[derive(Args, Debug, Default)]
pub struct WasiArgs {
    /// Give the guest the host directory HOST at the guest path GUEST
    /// (default: the same path as HOST), read-write. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<String>,
    /// Like --dir with wazero's spelling; `:ro` makes the mount read-only
    /// (changes fail with EROFS). Repeatable.
    #[arg(long = "mount", value_name = "HOST:GUEST[:ro]")]
    pub mounts: Vec<String>,
    /// Mount an empty in-memory directory at GUEST (gone when the run
    /// ends). Repeatable.
    #[arg(long = "tmpfs", value_name = "GUEST")]
    pub tmpfs: Vec<String>,
    /// Set the guest's environment variable K to V, or with `--env K` pass
    /// the host's value of K. Repeatable; overrides --inherit-env.
    #[arg(long = "env", value_name = "K=V|K")]
    pub env: Vec<String>,
    /// Pass the host's whole environment to the guest.
    #[arg(long)]
    pub inherit_env: bool,
    /// Append every filesystem operation of every mount to FILE as JSON
    /// lines: {"op":"open_read","path":"/data/a.txt","result":"ok"}. If a
    /// line cannot be written, file operations fail with EIO from then on
    /// and the run fails (exit status 1).
    #[arg(long, value_name = "FILE")]
    pub audit: Option<PathBuf>,
    /// Refuse operations under the guest path PREFIX with EACCES. OPS is a
    /// comma-separated list (stat, read_dir, open_dir, open_read,
    /// open_write, read, write, set_size, set_times, create_dir,
    /// remove_dir, unlink, symlink, read_link, rename, link, sync) or
    /// `reads`, `writes`, `all` (the default). Repeatable.
    #[arg(long = "deny", value_name = "PREFIX[=OPS]")]
    pub deny: Vec<String>,
}

fn parse_arg(text: &str, ty: ValType) -> Result<Val, String> {
    let bad = |e: &dyn std::fmt::Display| format!("cannot read `{text}` as {ty}: {e}");
    Ok(match ty {
        ValType::I32 => Val::I32(match text.parse::<i32>() {
            Ok(v) => v,
            Err(e) => text.parse::<u32>().map_err(|_| bad(&e))? as i32,
        }),
        ValType::I64 => Val::I64(match text.parse::<i64>() {
            Ok(v) => v,
            Err(e) => text.parse::<u64>().map_err(|_| bad(&e))? as i64,
        }),
        ValType::F32 => Val::F32(text.parse::<f32>().map_err(|e| bad(&e))?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>().map_err(|e| bad(&e))?.to_bits()),
        ValType::V128 => {
            let digits = text.strip_prefix("0x").unwrap_or(text);
            Val::V128(
                u128::from_str_radix(digits, 16)
                    .map_err(|e| bad(&e))?
                    .into(),
            )
        }
        other => return Err(format!("cannot pass a {other} from the command line")),
    })
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(v) => format!("{:#034x}", v.as_u128()),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "funcref".to_string(),
        Val::ExternRef(Some(_)) => "externref".to_string(),
    }
}

/// How `run` ended: results of the called function, or the guest's exit.
enum Ended {
    Returned(Vec<Val>),
    Exited(i32),
}

/// Runs `wasmbed run`; returns the process exit code.
pub fn main(args: &RunArgs) -> i32 {
    // The guest runs on a thread whose stack holds the whole wasm stack
    // budget (compiled frames are native ones) plus room for the host
    // functions and the runtime above it. Only touched pages cost memory.
    let budget = args
        .limits
        .limits()
        .map_or(wasmbed::Config::DEFAULT_MAX_WASM_STACK, |l| l.wasm_stack());
    let stack = budget.saturating_add(HOST_STACK);
    let ended = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("wasm".into())
            .stack_size(stack)
            .spawn_scoped(scope, || run(args))
            .map(|t| t.join())
    });
    let ended = match ended {
        Ok(Ok(ended)) => ended,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => Err(Error::msg(format!(
            "cannot start a thread with a {stack}-byte stack for the guest: {e}"
        ))),
    };
    match ended {
        Ok(Ended::Returned(results)) => {
            for r in results {
                println!("{}", show(&r));
            }
            0
        }
        Ok(Ended::Exited(code)) => code,
        Err(e) => {
            eprintln!("error: {e}");
            match e.kind() {
                ErrorKind::Trap(_) => 134,
                _ => 1,
            }
        }
    }
}

/// A mount named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MountSpec {
    Host {
        host: PathBuf,
        guest: String,
        read_only: bool,
    },
    Memory {
        guest: String,
    },
}

/// `HOST[::GUEST]`.
fn parse_dir(spec: &str) -> Result<MountSpec, String> {
    let (host, guest) = match spec.split_once("::") {
        Some((h, g)) => (h, g),
        None => (spec, spec),
    };
    if host.is_empty() || guest.is_empty() {
        return Err(format!("--dir {spec}: expected HOST or HOST::GUEST"));
    }
    Ok(MountSpec::Host {
        host: host.into(),
        guest: guest.to_string(),
        read_only: false,
    })
}

/// `HOST:GUEST[:ro]`, split from the right so a host path may hold colons.
fn parse_mount(spec: &str) -> Result<MountSpec, String> {
    let (rest, read_only) = match spec.strip_suffix(":ro") {
        Some(rest) => (rest, true),
        None => (spec, false),
    };
    let (host, guest) = rest
        .rsplit_once(':')
        .filter(|(h, g)| !h.is_empty() && !g.is_empty())
        .ok_or_else(|| format!("--mount {spec}: expected HOST:GUEST or HOST:GUEST:ro"))?;
    Ok(MountSpec::Host {
        host: host.into(),
        guest: guest.to_string(),
        read_only,
    })
}

/// `PREFIX[=OPS]`.
fn parse_deny(spec: &str) -> Result<(String, Ops), String> {
    let (prefix, ops) = match spec.split_once('=') {
        Some((p, o)) => (p, Ops::parse(o).map_err(|e| format!("--deny {spec}: {e}"))?),
        None => (spec, Ops::all()),
    };
    if !prefix.starts_with('/') {
        return Err(format!(
            "--deny {spec}: the prefix must be an absolute guest path"
        ));
    }
    Ok((prefix.to_string(), ops))
}

/// The guest's environment: the host's if asked, then each `--env`.
fn environment(args: &RunArgs) -> Result<Vec<(String, String)>, String> {
    let mut env: Vec<(String, String)> = Vec::new();
    if args.wasi.inherit_env {
        for (k, v) in std::env::vars_os() {
            if let (Ok(k), Ok(v)) = (k.into_string(), v.into_string()) {
                env.push((k, v));
            }
        }
    }
    for item in &args.wasi.env {
        let (k, v) = match item.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => {
                let v = std::env::var(item).map_err(|_| {
                    format!("--env {item}: `{item}` is not set in this environment (use --env {item}=VALUE)")
                })?;
                (item.clone(), v)
            }
        };
        if k.is_empty() {
            return Err(format!("--env {item}: the variable name is empty"));
        }
        env.retain(|(old, _)| *old != k);
        env.push((k, v));
    }
    Ok(env)
}

/// The first lost audit record of any audited mount, as the error the run
/// ends with.
fn audit_failure(audits: &[AuditStatus], args: &RunArgs) -> Option<String> {
    let error: AuditError = audits.iter().find_map(AuditStatus::error)?;
    let file = args
        .wasi
        .audit
        .as_ref()
        .map_or_else(|| "the audit log".to_string(), |p| p.display().to_string());
    Some(format!(
        "--audit {file}: an audit record could not be written ({error}); \
         the guest's file operations failed with EIO from then on"
    ))
}

/// The guest's WASI context, and the status of each audited mount (to
/// check when the run ends).
fn build_wasi(args: &RunArgs) -> Result<(WasiCtx, Vec<AuditStatus>), String> {
    let mut mounts = Vec::new();
    for d in &args.wasi.dirs {
        mounts.push(parse_dir(d)?);
    }
    for m in &args.wasi.mounts {
        mounts.push(parse_mount(m)?);
    }
    for t in &args.wasi.tmpfs {
        mounts.push(MountSpec::Memory { guest: t.clone() });
    }
    let mut policy = Policy::allow_all();
    for d in &args.wasi.deny {
        let (prefix, ops) = parse_deny(d)?;
        policy = policy.deny(&prefix, ops);
    }
    let sink: Option<Arc<dyn AuditSink>> = match &args.wasi.audit {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("--audit {}: {e}", path.display()))?;
            Some(Arc::new(JsonLines::new(std::io::BufWriter::new(file))))
        }
        None if !args.wasi.deny.is_empty() => Some(Arc::new(NoSink)),
        None => None,
    };

    let mut builder = WasiCtx::builder();
    builder.arg(args.module.to_string_lossy());
    if args.invoke.is_none() {
        builder.args(args.args.iter().cloned());
    }
    for (k, v) in environment(args)? {
        builder.env(k, v);
    }
    builder.inherit_stdio();
    let mut audits = Vec::new();
    for mount in mounts {
        let (fs, guest): (Arc<dyn FileSystem>, String) = match mount {
            MountSpec::Host {
                host,
                guest,
                read_only,
            } => {
                let fs = host_dir(&host)?;
                if read_only {
                    (Arc::new(ReadOnlyFs::new(fs)), guest)
                } else {
                    (Arc::new(fs), guest)
                }
            }
            MountSpec::Memory { guest } => (Arc::new(MemoryFs::new()), guest),
        };
        let fs: Arc<dyn FileSystem> = match &sink {
            Some(sink) => {
                let audited = AuditFs::with_policy(fs, &guest, sink.clone(), policy.clone());
                audits.push(audited.status());
                Arc::new(audited)
            }
            None => fs,
        };
        if let Err(e) = builder.preopen_arc(fs, &guest) {
            // Mounting records the opening of the root: a sink that fails
            // already then is the error to report, not the EIO it caused.
            return Err(audit_failure(&audits, args)
                .unwrap_or_else(|| format!("cannot mount {guest}: {e}")));
        }
    }
    Ok((builder.build(), audits))
}

/// Opens a host directory as a mount.
#[cfg(not(target_os = "wasi"))]
fn host_dir(host: &std::path::Path) -> Result<wasmbed_wasi::fs::host::HostFs, String> {
    wasmbed_wasi::fs::host::HostFs::open(host).map_err(|e| e.to_string())
}

/// Host directories need cap-std, which WASI targets lack.
#[cfg(target_os = "wasi")]
fn host_dir(host: &std::path::Path) -> Result<MemoryFs, String> {
    Err(format!(
        "cannot mount {}: host directories are not available on WASI targets",
        host.display()
    ))
}

/// Discards records: `--deny` without `--audit` still needs the wrapper.
struct NoSink;

impl AuditSink for NoSink {
    fn record(&self, _record: &AuditRecord) -> Result<(), AuditError> {
        Ok(())
    }
}

/// Native stack for everything on the guest's thread that is not wasm
/// frames: WASI calls, the runtime, the CLI itself.
const HOST_STACK: usize = 8 << 20;

fn run(args: &RunArgs) -> Result<Ended, Error> {
    let limits = args.limits.limits().map_err(Error::msg)?;
    let mut config = wasmbed::host_config();
    limits.configure(&mut config);
    args.backend.configure(&mut config);
    let engine = Engine::new(&config);
    let module = Module::from_file(&engine, &args.module)?;
    let (ctx, audits) = build_wasi(args).map_err(Error::msg)?;
    let ended = run_guest(args, &engine, &module, ctx, &limits);
    // A lost record fails the run whatever the guest made of the EIO it
    // got, even if it then exited with 0.
    match audit_failure(&audits, args) {
        Some(msg) => Err(Error::msg(msg)),
        None => ended,
    }
}

fn run_guest(
    args: &RunArgs,
    engine: &Engine,
    module: &Module,
    ctx: WasiCtx,
    limits: &super::limits::Limits,
) -> Result<Ended, Error> {
    let mut linker = Linker::new(engine);
    wasmbed_wasi::add_to_linker(&mut linker, |cx: &mut WasiCtx| cx)?;
    let mut store = Store::new(engine, ctx);
    limits.apply(&mut store)?;
    let exited = |e: Error| match wasmbed_wasi::exit_code(&e) {
        Some(code) => Ok(Ended::Exited(code)),
        None => Err(e),
    };
    let instance = match linker.instantiate(&mut store, module) {
        Ok(i) => i,
        Err(e) => return exited(e),
    };
    let name = args.invoke.as_deref().unwrap_or("_start");
    let func = instance.get_func(&store, name).ok_or_else(|| {
        Error::msg(format!(
            "{} has no exported function `{name}`",
            args.module.display()
        ))
    })?;
    let ty = func.ty(&store);
    let given: &[String] = if args.invoke.is_some() {
        &args.args
    } else {
        &[]
    };
    if given.len() != ty.params().len() {
        return Err(Error::msg(format!(
            "`{name}` has type {ty}: it takes {} arguments, {} given",
            ty.params().len(),
            given.len()
        )));
    }
    let params = given
        .iter()
        .zip(ty.params())
        .map(|(a, t)| parse_arg(a, *t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(Error::msg)?;
    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|t| Val::default_for(*t).unwrap_or(Val::I32(0)))
        .collect();
    match func.call(&mut store, &params, &mut results) {
        Ok(()) => Ok(Ended::Returned(results)),
        Err(e) => exited(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_specs_parse_both_spellings() {
        assert_eq!(
            parse_dir("/srv/data::/data").unwrap(),
            MountSpec::Host {
                host: "/srv/data".into(),
                guest: "/data".into(),
                read_only: false
            }
        );
        assert_eq!(
            parse_dir("data").unwrap(),
            MountSpec::Host {
                host: "data".into(),
                guest: "data".into(),
                read_only: false
            }
        );
        assert_eq!(
            parse_mount("C:\\x:/data:ro").unwrap(),
            MountSpec::Host {
                host: "C:\\x".into(),
                guest: "/data".into(),
                read_only: true
            }
        );
        assert!(parse_mount("nocolon").is_err());
        assert!(parse_dir("::/x").is_err());
        assert_eq!(
            parse_deny("/secret=writes").unwrap(),
            ("/secret".to_string(), Ops::WRITES)
        );
        assert!(parse_deny("relative").is_err());
        assert!(parse_deny("/x=chmod").is_err());
    }

    #[test]
    fn env_flags_set_inherit_and_override() {
        std::env::set_var("WASMBED_RUN_TEST_VAR", "from-host");
        let args = RunArgs {
            wasi: Box::new(WasiArgs {
                env: vec!["A=1".into(), "WASMBED_RUN_TEST_VAR".into(), "A=2".into()],
                ..WasiArgs::default()
            }),
            ..RunArgs::default()
        };
        let env = environment(&args).unwrap();
        assert_eq!(
            env,
            [
                ("WASMBED_RUN_TEST_VAR".to_string(), "from-host".to_string()),
                ("A".to_string(), "2".to_string())
            ]
        );
        let missing = RunArgs {
            wasi: Box::new(WasiArgs {
                env: vec!["WASMBED_SURELY_UNSET_VAR".into()],
                ..WasiArgs::default()
            }),
            ..RunArgs::default()
        };
        assert!(environment(&missing).unwrap_err().contains("not set"));
    }
}
