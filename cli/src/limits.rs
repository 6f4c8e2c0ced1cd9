//! The execution-limit flags shared by the CLI's subcommands: `--fuel N`,
//! `--timeout 5s`, and wasmtime's spellings `-W fuel=N`, `-W timeout=5s`,
//! `-W max-wasm-stack=BYTES`.
//! Owns parsing them and applying them to a `Config` and a `Store`; it
//! knows nothing about what is being run.
use clap::Args;
use std::time::Duration;
use wasmbed::{Config, Error, Store};

/// Flags that bound what a guest may do.
#[derive(Args, Debug, Default, Clone)]
pub struct LimitArgs {
    /// Stop the guest with a trap after executing about N wasm instructions.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Stop the guest with a trap once this much time has passed
    /// (e.g. `500ms`, `5s`, `2m`; a bare number is seconds).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// wasmtime-style options: `-W fuel=N`, `-W timeout=5s`,
    /// `-W max-wasm-stack=BYTES` (most bytes of wasm stack, 64 MiB by
    /// default; deeper recursion traps with "call stack exhausted").
    /// Comma-separated lists work too.
    #[arg(short = 'W', value_name = "KEY=VALUE", value_delimiter = ',')]
    pub wasm: Vec<String>,
}

/// The limits in effect after merging both spellings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel for the run.
    pub fuel: Option<u64>,
    /// Wall-clock budget for the run.
    pub timeout: Option<Duration>,
    /// Most bytes of wasm stack (`Config::max_wasm_stack`).
    pub max_wasm_stack: Option<usize>,
}

/// Parses `500ms`, `5s`, `2m`, `1h` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 500ms, 5s or 2m"))?;
    let seconds = match unit {
        "" | "s" => value,
        "ms" => value / 1e3,
        "us" => value / 1e6,
        "ns" => value / 1e9,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "unknown time unit `{other}` in `{text}` (use ms, s, m or h)"
            ))
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("`{text}`: {e}"))
}

impl LimitArgs {
    /// Merges `--fuel`/`--timeout` with `-W` options (the long flags win).
    pub fn limits(&self) -> Result<Limits, String> {
        let mut limits = Limits::default();
        for option in &self.wasm {
            let (key, value) = option
                .split_once('=')
                .ok_or_else(|| format!("-W {option}: expected KEY=VALUE"))?;
            match key {
                "fuel" => {
                    limits.fuel = Some(
                        value
                            .parse()
                            .map_err(|_| format!("-W fuel={value}: not a whole number"))?,
                    )
                }
                "timeout" => limits.timeout = Some(parse_duration(value)?),
                "max-wasm-stack" => {
                    limits.max_wasm_stack = Some(value.parse().map_err(|_| {
                        format!("-W max-wasm-stack={value}: not a whole number of bytes")
                    })?)
                }
                other => {
                    return Err(format!(
                        "-W {other}: unknown option (known: fuel, timeout, max-wasm-stack)"
                    ))
                }
            }
        }
        if self.fuel.is_some() {
            limits.fuel = self.fuel;
        }
        if self.timeout.is_some() {
            limits.timeout = self.timeout;
        }
        Ok(limits)
    }
}

impl Limits {
    /// Turns on what the limits need in an engine's configuration.
    pub fn configure(&self, config: &mut Config) {
        if self.fuel.is_some() {
            config.consume_fuel(true);
        }
        if self.timeout.is_some() {
            config.interruptible(true);
        }
        let bytes = self.wasm_stack();
        config.max_wasm_stack(bytes);
        // Compiled frames live on the native stack: the same budget, on
        // the thread `run::main` sizes for it.
        config.max_native_stack(bytes);
    }

    /// The wasm stack the run may use, interpreted or compiled: the
    /// `max-wasm-stack` option or the engine's default.
    pub fn wasm_stack(&self) -> usize {
        self.max_wasm_stack
            .unwrap_or(Config::DEFAULT_MAX_WASM_STACK)
    }

    /// Applies the limits to a store of an engine built with
    /// [`Limits::configure`].
    pub fn apply<T>(&self, store: &mut Store<T>) -> Result<(), Error> {
        if let Some(fuel) = self.fuel {
            store.set_fuel(fuel)?;
        }
        if let Some(timeout) = self.timeout {
            store.set_deadline(timeout)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn both_spellings_merge() {
        let args = LimitArgs {
            fuel: None,
            timeout: Some(Duration::from_secs(1)),
            wasm: vec![
                "fuel=100".into(),
                "timeout=9s".into(),
                "max-wasm-stack=1048576".into(),
            ],
        };
        assert_eq!(
            args.limits(),
            Ok(Limits {
                fuel: Some(100),
                timeout: Some(Duration::from_secs(1)),
                max_wasm_stack: Some(1 << 20),
            })
        );
        let not_bytes = LimitArgs {
            wasm: vec!["max-wasm-stack=8M".into()],
            ..LimitArgs::default()
        };
        assert!(not_bytes.limits().unwrap_err().contains("whole number"));
        let bad = LimitArgs {
            wasm: vec!["speed=11".into()],
            ..LimitArgs::default()
        };
        assert!(bad.limits().unwrap_err().contains("unknown option"));
    }
}
