//! `wasmbed run`: load a module, instantiate it with no imports available
//! (WASI arrives with its own crate), and call `_start` or an export named
//! on the command line, printing its results.
use crate::{Engine, Error, ErrorKind, Linker, Module, Store, Val, ValType};
use clap::Args;
use std::path::PathBuf;

/// Arguments of `wasmbed run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The module: a `.wasm` binary or `.wat` text file.
    pub module: PathBuf,
    /// Call this export instead of `_start`; the trailing arguments are its
    /// parameters (integers or floats, as its type says) and its results
    /// are printed one per line.
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,
    /// Arguments for the invoked function.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
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
        other => return Err(format!("cannot pass a {other} from the command line")),
    })
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".to_string(),
        Val::FuncRef(Some(_)) => "funcref".to_string(),
        Val::ExternRef(Some(_)) => "externref".to_string(),
    }
}

/// Runs `wasmbed run`; returns the process exit code.
pub fn main(args: &RunArgs) -> i32 {
    match run(args) {
        Ok(results) => {
            for r in results {
                println!("{}", show(&r));
            }
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            match e.kind() {
                ErrorKind::Trap(_) => 134,
                _ => 1,
            }
        }
    }
}

fn run(args: &RunArgs) -> Result<Vec<Val>, Error> {
    let engine = Engine::default();
    let module = Module::from_file(&engine, &args.module)?;
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    let instance = linker.instantiate(&mut store, &module)?;
    let name = args.invoke.as_deref().unwrap_or("_start");
    let func = instance.get_func(&store, name).ok_or_else(|| {
        Error::msg(format!(
            "{} has no exported function `{name}`",
            args.module.display()
        ))
    })?;
    let ty = func.ty(&store);
    if args.args.len() != ty.params().len() {
        return Err(Error::msg(format!(
            "`{name}` has type {ty}: it takes {} arguments, {} given",
            ty.params().len(),
            args.args.len()
        )));
    }
    let params = args
        .args
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
    func.call(&mut store, &params, &mut results)?;
    Ok(results)
}
