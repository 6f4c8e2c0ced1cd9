//! The host stack stays flat for every op. In optimised x86-64/AArch64
//! builds each interpreter handler tail-calls the next; should one of them
//! get a stack frame (an inlined slow path, a large local), its dispatch
//! becomes a real call and a long-running loop overflows the host stack.
//! Twice a single handler broke this unnoticed, so this test runs every op
//! in a long loop on a small thread stack instead of a few chosen shapes.
//!
//! The loops are generated, not listed by hand: every operator of
//! WebAssembly 2.0 comes from wasmparser's `for_each_operator!`. An operator
//! whose immediates are only a memory argument or lanes is generic: its
//! operand types are found by asking the validator, and it is placed in
//! every shape the translator fuses (operands as locals or constants, an
//! address computed by `i32.add` or a constant `i32.shl`, a shifted
//! operand, the result dropped, stored to a local, or used as a `br_if` or
//! `if` condition). The others (control, calls, locals, globals, memory and
//! table instructions, constants) have written templates in [`special`]; a
//! 2.0 operator with neither fails the test, naming it.
//!
//! Then the interpreter's own op list (`wasmbed::__ir_op_names`) is checked
//! against the ops the generated loops translate to
//! (`Module::__op_names_of`): an op that nothing produces fails the test,
//! naming it, unless [`IR_EXEMPT`] says why no loop can run it. Each loop
//! runs only if it brings an op not yet run (the property is per handler),
//! once with a plain engine and once with fuel and interruption on (which
//! add `ConsumeFuel`, `Check` and the `*Loop` branch twins).
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmbed::{Config, Engine, Linker, Module, Store};

/// Executions of the looped op per run: with a 256 KiB stack, a host frame
/// of even 16 bytes per op would need 1.6 MB and overflow it.
const ITERATIONS: i32 = 100_000;

/// The host stack each loop runs on.
const STACK_SIZE: usize = 256 * 1024;

/// One operator of wasmparser's list.
struct WasmOp {
    proposal: &'static str,
    /// The `Operator` variant, e.g. `I32Load8S`.
    name: &'static str,
    /// The visitor method, e.g. `visit_i32_load8_s`, which spells the text
    /// name with the first `.` written as `_`.
    visit: &'static str,
    /// Names of the immediates.
    fields: &'static [&'static str],
    /// The arity annotation, e.g. `arity memarg 1 -> 1` or `arity custom`.
    arity: &'static str,
}

macro_rules! collect_operators {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        &[$(WasmOp {
            proposal: stringify!($proposal),
            name: stringify!($op),
            visit: stringify!($visit),
            fields: &[$($(stringify!($arg)),*)?],
            arity: stringify!($($ann)*),
        }),*]
    };
}

static WASM_OPS: &[WasmOp] = wasmparser::for_each_operator!(collect_operators);

/// The proposals that make up WebAssembly 2.0, which the interpreter runs.
const PROPOSALS: &[&str] = &[
    "mvp",
    "sign_extension",
    "saturating_float_to_int",
    "bulk_memory",
    "reference_types",
    "simd",
];

/// 2.0 operators no loop can repeat.
const WASM_EXEMPT: &[(&str, &str)] = &[
    ("Unreachable", "it traps, so it runs at most once per call"),
    (
        "TypedSelectMulti",
        "a multi-value `select` beyond 2.0 that the interpreter rejects",
    ),
];

/// Interpreter ops no loop can run, and why.
const IR_EXEMPT: &[(&str, &str)] = &[
    ("Unreachable", "it traps, so it runs at most once per call"),
    (
        "Extra",
        "it holds operands of the op before it and is never dispatched",
    ),
];

/// Value types, in the order operand types are tried.
const TYPES: &[&str] = &["i32", "i64", "f32", "f64", "v128", "funcref", "externref"];

/// The value of local `$a{k}_{ty}` (and of the constant standing for it):
/// non-zero divisors, in-range float-to-int conversions, small addresses.
fn value(ty: &str, k: usize) -> String {
    let ints = ["7", "5", "3"];
    let floats = ["1.5", "2.5", "3.5"];
    match ty {
        "i32" | "i64" => format!("{ty}.const {}", ints[k]),
        "f32" | "f64" => format!("{ty}.const {}", floats[k]),
        "v128" => format!("v128.const i32x4 {0} {0} {0} {0}", ints[k]),
        "funcref" => "ref.null func".into(),
        "externref" => "ref.null extern".into(),
        _ => unreachable!("not a value type: {ty}"),
    }
}

/// The declarations every loop module has; templates refer to them.
fn environment() -> String {
    let mut env = String::from(
        r#"(import "host" "inc" (func $host (param i32) (result i32)))
  (import "peer" "inc" (func $peer (param i32) (result i32)))
  (memory 1 2)
  (table $t 4 8 funcref)
  (data $d "0123456789abcdef")
  (elem $e funcref (ref.null func))
  (elem declare func $run)
"#,
    );
    for ty in TYPES {
        let _ = writeln!(env, "  (global $g_{ty} (mut {ty}) ({}))", value(ty, 0));
    }
    env
}

/// Locals `$a0_T..$a2_T` (operands) and `$o_T` (results) of every type.
fn locals() -> String {
    let mut s = String::new();
    for ty in TYPES {
        let _ = write!(s, "(local $a0_{ty} {ty}) (local $a1_{ty} {ty}) (local $a2_{ty} {ty}) (local $o_{ty} {ty}) ");
    }
    s
}

/// A loop body and the functions it calls.
#[derive(Clone)]
struct Snippet {
    /// What the loop runs, e.g. `i32.add (locals, drop)`.
    label: String,
    body: String,
    /// Functions and declarations the body needs.
    extra: String,
}

fn snippet(label: impl Into<String>, body: impl Into<String>) -> Snippet {
    Snippet {
        label: label.into(),
        body: body.into(),
        extra: String::new(),
    }
}

/// A module whose export `run(n)` runs `s.body` `n` times. `$run` is the
/// first function after the two imports; the body's callees follow it.
fn loop_module(s: &Snippet) -> String {
    let mut init = String::new();
    for ty in TYPES {
        for k in 0..3 {
            let _ = write!(init, "({}) local.set $a{k}_{ty} ", value(ty, k));
        }
    }
    format!(
        r#"(module
  {env}
  (func $run (export "run") (param $n i32) {locals}
    {init}
    block $exit
      loop $l
        local.get $n
        i32.eqz
        br_if $exit
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        {body}
        br $l
      end
    end)
  {extra})"#,
        env = environment(),
        locals = locals(),
        body = s.body,
        extra = s.extra,
    )
}

/// Templates for the operators whose immediates are indices or values (or
/// that are control flow): `None` for the generic ones.
fn special(op: &str) -> Option<Vec<Snippet>> {
    let per_type = |f: &dyn Fn(&str) -> String| -> Vec<Snippet> {
        TYPES
            .iter()
            .map(|ty| snippet(format!("{op} {ty}"), f(ty)))
            .collect()
    };
    let calls =
        || {
            // Each snippet declares only what it calls: every op of its
            // functions then runs on every iteration.
            [
            ("call, no results", "call $c", "(func $c)"),
            (
                "call, one result",
                "local.get $a0_i32 call $c drop",
                "(func $c (param i32) (result i32) local.get 0)",
            ),
            (
                "call, three results",
                "local.get $a0_i32 call $c drop drop drop",
                "(func $c (param i32) (result i32 i64 f64) local.get 0 i64.const 1 f64.const 2)",
            ),
            (
                "call, v128 result",
                "local.get $a0_v128 call $c drop",
                "(func $c (param v128) (result v128) local.get 0)",
            ),
            (
                "call, explicit return",
                "local.get $a0_i32 call $c drop",
                "(func $c (param i32) (result i32) local.get 0 return)",
            ),
            ("call a host function", "local.get $a0_i32 call $host drop", ""),
            ("call another instance", "local.get $a0_i32 call $peer drop", ""),
            (
                "call_indirect",
                "local.get $a0_i32 i32.const 0 call_indirect $calls (type $sig) drop",
                "(func $c (param i32) (result i32) local.get 0)
  (type $sig (func (param i32) (result i32)))
  (table $calls 1 1 funcref)
  (elem (table $calls) (i32.const 0) func $c)",
            ),
        ]
        .into_iter()
        .map(|(label, body, extra)| Snippet {
            label: label.into(),
            body: body.into(),
            extra: extra.into(),
        })
        .collect()
        };
    let if_else = || {
        vec![
            snippet(
                "if/else",
                "local.get $a0_i32 if (result i32) local.get $a1_i32 else local.get $a2_i32 end local.set $o_i32",
            ),
            snippet("if without else", "local.get $a0_i32 if local.get $a1_i32 local.set $o_i32 end"),
        ]
    };
    Some(match op {
        "Block" => vec![snippet(
            "block with a result",
            "block (result i32) local.get $a0_i32 end local.set $o_i32",
        )],
        "Loop" => vec![snippet(
            "inner loop with a result",
            "loop (result i32) local.get $a0_i32 end drop",
        )],
        "If" | "Else" | "End" => if_else(),
        "Br" => vec![
            snippet("br", "block $b br $b end"),
            snippet(
                "br with a value",
                "block $b (result i32) local.get $a0_i32 br $b end drop",
            ),
            // Every other iteration continues at the loop head from here.
            snippet(
                "br back to the loop head",
                "block $b local.get $n i32.const 1 i32.and br_if $b br $l end",
            ),
        ],
        "BrIf" => vec![
            snippet("br_if", "block $b local.get $a0_i32 br_if $b end"),
            // A decrement and a branch on its result join in one op
            // (`I32AddSiBrNez`).
            snippet(
                "br_if on a decrement",
                "block $b local.get $a0_i32 i32.const 1 i32.sub local.tee $o_i32 br_if $b end",
            ),
            snippet(
                "br_if with a value",
                "block $b (result i32) local.get $a1_i32 local.get $a0_i32 br_if $b end drop",
            ),
            // An increment in place and a test of its result against a
            // bound join in one op (`I32AddSiBrNe`, `I32AddSiBrLtU`).
            snippet(
                "br_if on an increment, not equal to a slot",
                "block $b local.get $o_i32 i32.const 3 i32.add local.tee $o_i32 local.get $a1_i32 i32.ne br_if $b end",
            ),
            snippet(
                "br_if on an increment, below a constant",
                "block $b local.get $o_i32 i32.const -5 i32.add local.tee $o_i32 i32.const 1000 i32.lt_u br_if $b end",
            ),
        ],
        "BrTable" => vec![
            snippet(
                "br_table",
                "block $b0 block $b1 block $b2 local.get $n i32.const 3 i32.and br_table $b0 $b1 $b2 $b1 end end end",
            ),
            snippet(
                "br_table with a value",
                "block $b0 (result i32) block $b1 (result i32) local.get $a1_i32 local.get $n i32.const 1 i32.and br_table $b0 $b1 end end drop",
            ),
        ],
        "Return" | "Call" | "CallIndirect" => calls(),
        "LocalGet" | "LocalSet" => per_type(&|ty| format!("local.get $a0_{ty} local.set $o_{ty}")),
        "LocalTee" => {
            let mut snippets = per_type(&|ty| format!("local.get $a0_{ty} local.tee $o_{ty} drop"));
            // Two small increments in a row join in one op (`I32AddSi2`).
            snippets.push(snippet(
                "two increments in a row",
                "local.get $a0_i32 i32.const 1 i32.add local.tee $o_i32 i32.const 4 i32.add local.set $o_i32 local.get $o_i32 drop",
            ));
            snippets
        }
        "GlobalGet" => per_type(&|ty| format!("global.get $g_{ty} local.set $o_{ty}")),
        "GlobalSet" => per_type(&|ty| format!("local.get $a0_{ty} global.set $g_{ty}")),
        "TypedSelect" => {
            let mut snippets = per_type(&|ty| {
                format!("local.get $a0_{ty} local.get $a1_{ty} local.get $a0_i32 select (result {ty}) local.set $o_{ty}")
            });
            // A select on an ordering joins it (`Select*Lt*`).
            for (ty, cmp) in [("i32", "lt_u"), ("i32", "gt_s"), ("i64", "le_u"), ("i64", "ge_s")] {
                snippets.push(snippet(
                    format!("select on {ty}.{cmp}"),
                    format!("local.get $a0_{ty} local.get $a1_{ty} local.get $a0_{ty} local.get $a1_{ty} {ty}.{cmp} select (result {ty}) local.set $o_{ty}"),
                ));
            }
            snippets
        }
        "I32Const" | "I64Const" | "F32Const" | "F64Const" | "V128Const" => {
            let ty = op.trim_end_matches("Const").to_lowercase();
            vec![snippet(op, format!("{} local.set $o_{ty}", value(&ty, 1)))]
        }
        "RefNull" => vec![
            snippet("ref.null func", "ref.null func local.set $o_funcref"),
            snippet("ref.null extern", "ref.null extern local.set $o_externref"),
        ],
        "RefFunc" => vec![snippet("ref.func", "ref.func $run local.set $o_funcref")],
        "MemorySize" => vec![snippet("memory.size", "memory.size local.set $o_i32")],
        // The first grow succeeds (the maximum is 2 pages), then each fails.
        "MemoryGrow" => vec![snippet("memory.grow", "i32.const 1 memory.grow drop")],
        "MemoryFill" => vec![snippet(
            "memory.fill",
            "i32.const 0 local.get $a0_i32 i32.const 16 memory.fill",
        )],
        "MemoryCopy" => vec![snippet(
            "memory.copy",
            "i32.const 16 i32.const 0 i32.const 16 memory.copy",
        )],
        "MemoryInit" => vec![snippet(
            "memory.init",
            "i32.const 0 i32.const 0 i32.const 4 memory.init $d",
        )],
        "DataDrop" => vec![snippet("data.drop", "data.drop $d")],
        "TableGet" => vec![snippet("table.get", "i32.const 1 table.get $t local.set $o_funcref")],
        "TableSet" => vec![snippet("table.set", "i32.const 1 ref.null func table.set $t")],
        "TableSize" => vec![snippet("table.size", "table.size $t local.set $o_i32")],
        // Grows to the maximum (8) within a few iterations, then fails.
        "TableGrow" => vec![snippet("table.grow", "ref.null func i32.const 1 table.grow $t drop")],
        "TableFill" => vec![snippet(
            "table.fill",
            "i32.const 0 ref.null func i32.const 2 table.fill $t",
        )],
        "TableCopy" => vec![snippet(
            "table.copy",
            "i32.const 0 i32.const 1 i32.const 2 table.copy $t $t",
        )],
        "TableInit" => vec![snippet(
            "table.init",
            "i32.const 0 i32.const 0 i32.const 1 table.init $t $e",
        )],
        "ElemDrop" => vec![snippet("elem.drop", "elem.drop $e")],
        _ => return None,
    })
}

/// `visit_i32_load8_s` -> `i32.load8_s`.
fn text_name(op: &WasmOp) -> String {
    op.visit
        .strip_prefix("visit_")
        .expect("wasmparser visitor names start with `visit_`")
        .replacen('_', ".", 1)
}

/// `(inputs, outputs)` of an `arity [memarg] N -> M` annotation.
fn arity(op: &WasmOp) -> Option<(usize, usize)> {
    let words: Vec<&str> = op.arity.split_whitespace().collect();
    match words.as_slice() {
        [.., n, "->", m] => Some((n.parse().ok()?, m.parse().ok()?)),
        _ => None,
    }
}

/// The operator with its immediates in text form.
fn instruction(op: &WasmOp) -> String {
    let mut s = text_name(op);
    for field in op.fields {
        match *field {
            "memarg" => s.push_str(" offset=0"),
            "lane" => s.push_str(" 1"),
            "lanes" => s.push_str(" 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31"),
            other => unreachable!("not a generic immediate: {other}"),
        }
    }
    s
}

fn validates(module_text: &str) -> bool {
    wat::parse_str(module_text)
        .ok()
        .is_some_and(|bytes| wasmparser::Validator::new().validate_all(&bytes).is_ok())
}

/// Whether `body` is valid in a function with the loop's locals.
fn valid_body(body: &str) -> bool {
    validates(&format!("(module (memory 1) (func {} {body}))", locals()))
}

/// Every combination of `n` operand types.
fn type_combinations(n: usize) -> Vec<Vec<&'static str>> {
    let mut all = vec![Vec::new()];
    for _ in 0..n {
        all = all
            .into_iter()
            .flat_map(|prefix| {
                TYPES.iter().map(move |ty| {
                    let mut v = prefix.clone();
                    v.push(*ty);
                    v
                })
            })
            .collect();
    }
    all
}

/// The loops of a generic operator: for each operand typing the validator
/// accepts, each way of feeding the operands and of using the result.
fn generic(op: &WasmOp, inputs: usize, outputs: usize) -> Vec<Snippet> {
    let instr = instruction(op);
    let has_memarg = op.fields.contains(&"memarg");
    let mut out = Vec::new();
    for types in type_combinations(inputs) {
        let operand = |k: usize| format!("local.get $a{k}_{}", types[k]);
        let locals_form: String = (0..inputs).map(|k| operand(k) + " ").collect();
        if !valid_body(&format!(
            "{locals_form} {instr} {}",
            "drop ".repeat(outputs)
        )) {
            continue;
        }
        let mut forms = vec![("locals", locals_form)];
        if types.iter().all(|ty| !ty.ends_with("ref")) && inputs > 0 {
            let consts = (0..inputs).map(|k| value(types[k], k) + " ").collect();
            forms.push(("constants", consts));
        }
        // The translator folds an `i32.add` or a constant `i32.shl`
        // computing an address into the access, and a shifted operand into
        // `i32.add`.
        let shifted = |k: usize| format!("local.get $a{k}_i32 i32.const 2 i32.shl ");
        let with = |k: usize, replacement: String| -> String {
            (0..inputs)
                .map(|j| {
                    if j == k {
                        replacement.clone()
                    } else {
                        operand(j) + " "
                    }
                })
                .collect()
        };
        if has_memarg && types.first() == Some(&"i32") {
            forms.push((
                "address i32.add",
                with(0, "local.get $a0_i32 local.get $a1_i32 i32.add ".into()),
            ));
            forms.push(("address i32.shl", with(0, shifted(0))));
        } else {
            for k in [0, inputs.saturating_sub(1)] {
                if types.get(k) == Some(&"i32") {
                    forms.push((
                        if k == 0 {
                            "first operand shifted"
                        } else {
                            "last operand shifted"
                        },
                        with(k, shifted(k)),
                    ));
                }
            }
        }
        // A number operand computed by the op right before (`x | 0`,
        // `x + 0`) reaches it in the accumulator, with the other operands
        // as locals or as constants (immediates).
        for k in [0, inputs.saturating_sub(1)] {
            let Some(ty @ ("i32" | "i64" | "f32" | "f64")) = types.get(k).copied() else {
                continue;
            };
            let computed = match ty {
                "i32" | "i64" => format!("local.get $a{k}_{ty} {ty}.const 0 {ty}.or "),
                _ => format!("local.get $a{k}_{ty} {ty}.const 0 {ty}.add "),
            };
            let first = k == 0;
            forms.push((
                if first {
                    "first operand computed"
                } else {
                    "last operand computed"
                },
                with(k, computed.clone()),
            ));
            if inputs > 1 && types.iter().all(|ty| !ty.ends_with("ref")) {
                let consts: String = (0..inputs)
                    .map(|j| {
                        if j == k {
                            computed.clone()
                        } else {
                            value(types[j], j) + " "
                        }
                    })
                    .collect();
                forms.push((
                    if first {
                        "first operand computed, others constant"
                    } else {
                        "last operand computed, others constant"
                    },
                    consts,
                ));
            }
        }
        let mut uses: Vec<(&str, String)> = Vec::new();
        if outputs == 0 {
            uses.push(("no result", String::new()));
        } else {
            let result_ty = TYPES
                .iter()
                .find(|ty| valid_body(&format!("{} {instr} local.set $o_{ty}", forms[0].1)))
                .unwrap_or_else(|| panic!("{}: no local type takes its result", op.name));
            uses.push(("dropped", "drop".into()));
            uses.push(("to a local", format!("local.set $o_{result_ty}")));
            // Read by the op right after: the result goes through the
            // accumulator.
            let into_op = match *result_ty {
                "i32" | "i64" => Some("or"),
                "f32" | "f64" => Some("add"),
                _ => None,
            };
            if let Some(op) = into_op {
                uses.push((
                    "into an op",
                    format!("{result_ty}.const 0 {result_ty}.{op} drop"),
                ));
            }
            if *result_ty == "i32" {
                // Comparisons feeding a branch become compare-and-branch ops
                // (negated for `if`); a branch to the loop head is a back-edge.
                uses.push(("br_if forward", "block $b end".into()));
                uses.push(("br_if back", "br_if $l".into()));
                uses.push(("if", "if local.get $a0_i32 local.set $o_i32 end".into()));
            }
        }
        for (form, operands) in &forms {
            for (use_name, use_text) in &uses {
                let body = if *use_name == "br_if forward" {
                    format!("block $b {operands} {instr} br_if $b end")
                } else {
                    format!("{operands} {instr} {use_text}")
                };
                out.push(snippet(
                    format!(
                        "{} ({}; {form}; result {use_name})",
                        text_name(op),
                        types.join(" ")
                    ),
                    body,
                ));
            }
        }
    }
    out
}

/// Every loop to run, generated from wasmparser's operator list.
fn all_snippets() -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut missing = Vec::new();
    for op in WASM_OPS
        .iter()
        .filter(|op| PROPOSALS.contains(&op.proposal))
    {
        if WASM_EXEMPT.iter().any(|(name, _)| *name == op.name) {
            continue;
        }
        let found = if let Some(s) = special(op.name) {
            s
        } else if let (Some((inputs, outputs)), true) = (
            arity(op),
            op.fields
                .iter()
                .all(|f| ["memarg", "lane", "lanes"].contains(f)),
        ) {
            generic(op, inputs, outputs)
        } else {
            missing.push(format!(
                "{} (no template for its immediates {:?})",
                op.name, op.fields
            ));
            continue;
        };
        if found.is_empty() {
            missing.push(format!("{} (no operand types validate)", op.name));
        }
        snippets.extend(found);
    }
    assert!(
        missing.is_empty(),
        "WebAssembly 2.0 operators without a flat-stack loop: {missing:#?}"
    );
    snippets
}

/// The module a cross-instance call goes to.
const PEER: &str =
    r#"(module (func (export "inc") (param i32) (result i32) local.get 0 i32.const 1 i32.add))"#;

/// Function index of `$run` (after the two imports).
const RUN_INDEX: u32 = 2;

/// How often each op occurs in `$run` and the functions after it.
fn op_counts(module: &Module, label: &str) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    let mut index = RUN_INDEX;
    while let Some(ops) = module.__op_names_of(index) {
        for op in ops {
            *counts.entry(op).or_default() += 1;
        }
        index += 1;
    }
    assert!(index > RUN_INDEX, "{label}: `run` did not translate");
    counts
}

/// The ops the loop body of `module` adds to the skeleton (`skeleton`: the
/// counts of the same module with an empty body). Only these run on every
/// iteration: the skeleton's entry, local set-up and return run once, and
/// a snippet declares only the functions it calls.
fn body_ops(
    module: &Module,
    label: &str,
    skeleton: &BTreeMap<&'static str, usize>,
) -> BTreeSet<&'static str> {
    op_counts(module, label)
        .into_iter()
        .filter(|(op, n)| *n > skeleton.get(op).copied().unwrap_or(0))
        .map(|(op, _)| op)
        .collect()
}

/// Runs every snippet that brings an op not yet run under `config`, each
/// on its own small-stack thread named after the loop (a stack overflow
/// aborts the process with "thread '<name>' has overflowed its stack").
/// Returns the ops run.
fn run_all(kind: &str, config: &Config, snippets: &[Snippet]) -> BTreeSet<&'static str> {
    let engine = Engine::new(config);
    let bounded = config_is_bounded(kind);
    let peer = Module::new(&engine, PEER).unwrap();
    let empty = snippet("empty loop", "");
    let skeleton = op_counts(
        &Module::new(&engine, loop_module(&empty)).unwrap(),
        "empty loop",
    );
    let mut done: BTreeSet<&'static str> = BTreeSet::new();
    let mut loops = 0;
    for s in snippets {
        let text = loop_module(s);
        let module =
            Module::new(&engine, &text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", s.label));
        let names = body_ops(&module, &s.label, &skeleton);
        if names.is_subset(&done) {
            continue;
        }
        let mut store = Store::new(&engine, ());
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap("host", "inc", |x: i32| x.wrapping_add(1))
            .unwrap();
        let peer_instance = linker.instantiate(&mut store, &peer).unwrap();
        linker.instance(&store, "peer", peer_instance).unwrap();
        let instance = linker.instantiate(&mut store, &module).unwrap();
        let run = instance.get_typed_func::<i32, ()>(&store, "run").unwrap();
        let fuel = u64::MAX / 2;
        if bounded {
            store.set_fuel(fuel).unwrap();
            store.set_deadline(Duration::from_secs(3600)).unwrap();
        }
        let label = format!("flat_stack [{kind}] {}", s.label);
        eprintln!("{label}");
        let result = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name(label.clone())
                .stack_size(STACK_SIZE)
                .spawn_scoped(scope, || run.call(&mut store, ITERATIONS))
                .unwrap()
                .join()
        });
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{label}: {e}"),
            Err(_) => panic!("{label}: the loop's thread panicked"),
        }
        if bounded {
            // Every iteration charges fuel, so this shows the loop ran.
            let used = fuel - store.get_fuel().unwrap();
            assert!(used >= ITERATIONS as u64, "{label}: only {used} fuel used");
        }
        done.extend(names);
        loops += 1;
    }
    eprintln!(
        "flat_stack [{kind}]: {loops} loops ran {} distinct ops",
        done.len()
    );
    done
}

fn config_is_bounded(kind: &str) -> bool {
    kind == "fuel+interruptible"
}

/// A monotonic clock from `std`, so deadlines work without the host
/// platform's memory (see `every_op_runs_in_a_long_loop_on_a_small_host_stack`).
struct InstantClock(Instant);

impl wasmbed::platform::Clock for InstantClock {
    fn monotonic_nanos(&self) -> u64 {
        u64::try_from(self.0.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn wall_nanos(&self) -> u64 {
        0
    }
}

#[test]
fn every_op_runs_in_a_long_loop_on_a_small_host_stack() {
    let snippets = all_snippets();
    // The loops use the core's allocator-backed memory, not the host
    // platform's: the property is the executor's host stack, which does not
    // depend on the backing, and qemu-user (10.0) keeps about 37 MB of
    // bookkeeping for every 6 GiB guarded reservation after it is unmapped,
    // so a thousand stores run the aarch64 leg out of memory.
    let plain = Config::new();
    let mut bounded = Config::new();
    bounded
        .consume_fuel(true)
        .interruptible(true)
        .clock(Arc::new(InstantClock(Instant::now())));
    let mut ran = run_all("plain", &plain, &snippets);
    ran.extend(run_all("fuel+interruptible", &bounded, &snippets));

    let ir_ops = wasmbed::__ir_op_names();
    for (name, _) in IR_EXEMPT {
        assert!(
            ir_ops.contains(name),
            "IR_EXEMPT names `{name}`, which is not an op"
        );
    }
    let uncovered: Vec<&str> = ir_ops
        .iter()
        .copied()
        .filter(|name| !ran.contains(name) && !IR_EXEMPT.iter().any(|(n, _)| n == name))
        .collect();
    assert!(
        uncovered.is_empty(),
        "interpreter ops no generated loop runs (add a template in `special`, or a \
         reason to IR_EXEMPT): {uncovered:?}"
    );
}

#[test]
fn exemptions_name_real_operators() {
    for (name, _) in WASM_EXEMPT {
        assert!(
            WASM_OPS
                .iter()
                .any(|op| op.name == *name && PROPOSALS.contains(&op.proposal)),
            "WASM_EXEMPT names `{name}`, which is not a WebAssembly 2.0 operator"
        );
    }
}
