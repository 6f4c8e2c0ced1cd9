//! The project's own `.wast` scripts for interpreter-specific cases (op
//! fusion and other translation shapes the spec scripts do not single
//! out): every script in `tests/interp/` must pass in the default
//! configuration and with fuel, interruption and eager translation.
use std::path::Path;
use wasmbed::Config;
use wasmbed_cli::wast::run_file_with;

fn configs() -> Vec<(&'static str, Config)> {
    let mut metered = Config::new();
    metered
        .consume_fuel(true)
        .interruptible(true)
        .lazy_translation(false);
    vec![("default", Config::new()), ("metered", metered)]
}

#[test]
fn interp_scripts_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interp");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    for (name, config) in configs() {
        for path in &scripts {
            let report = run_file_with(path, &config).unwrap_or_else(|e| panic!("{e}"));
            let stem = path.file_stem().unwrap().to_string_lossy();
            assert!(
                report.failed == 0 && report.passed > 0,
                "{name}: {}",
                report.render(&stem, Some(20))
            );
        }
    }
}

/// The module of `tests/interp/<script>` (its first, which ends at the
/// first line that is just `)`), and a function giving the interpreter
/// ops of one of its exports.
fn script_ops(script: &str) -> impl Fn(&str) -> Vec<&'static str> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interp")
        .join(script);
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("(module").unwrap();
    let end = text.find("\n)\n").unwrap() + 2;
    let engine = wasmbed::Engine::default();
    let module = wasmbed::Module::new(&engine, &text[start..end]).unwrap();
    move |name: &str| {
        let index = module
            .exports()
            .position(|e| e.name() == name)
            .unwrap_or_else(|| panic!("no export {name}")) as u32;
        module.__op_names_of(index).unwrap()
    }
}

/// The forms `operand_forms.wast` pins are the ones the translator picks:
/// without this, a translator that never picked them would pass it too.
#[test]
fn operand_forms_are_used() {
    let ops_of = script_ops("operand_forms.wast");
    let expect = [
        ("sub_imm", &["I32SubSi"][..]),
        ("add_imm64_wide", &["I64Add"]),
        ("or_imm64_unsigned", &["I64Or"]),
        ("rotl_imm", &["I32RotlSi"]),
        (
            "crc_step",
            &[
                "I32ShrUSi",
                "I32AndSiA",
                "I32SubSaA",
                "I32AndAiA",
                "I32XorAs",
            ],
        ),
        ("xorshift", &["I32ShlSiA", "I32XorAs", "I32ShrUSiA"]),
        ("sub_acc_right", &["I32MulSsA", "I32SubSa"]),
        ("shl_value_acc", &["I32AddSiA", "I32ShlAs"]),
        ("chain64", &["I64AddSiA", "I64MulAi"]),
        ("count_to", &["I32AddSiA", "BrI32LtSAs"]),
        ("const_left_cmp", &["BrI32LeUSi"]),
        ("acc_right_cmp", &["I32AddSiA", "BrI32LeSAs"]),
        ("if_after_lazy", &["I32AndSi"]),
        ("gt_u64_unsigned_const", &["BrI64GtU"]),
        ("br_if_acc", &["I32AndSiA", "BrIfNezA"]),
        ("eqz64_branch", &["I64SubSi", "BrI64EqSi"]),
        ("store_acc", &["I32AddSiA", "I32StoreA"]),
        ("store_imm64", &["I64StoreImm"]),
        ("store_imm64_wide", &["I64Store"]),
        ("store32_imm64", &["I64Store32Imm"]),
        ("fma_like", &["F64MulSsA", "F64AddAs"]),
        ("f64_sub_acc_right", &["F64MulSsA", "F64SubSa"]),
        ("f32_div_const_left", &["F32AddSsA", "F32DivSa"]),
        ("load_acc", &["I32Load8UA", "I32AddAi"]),
        ("load_add_acc", &["I64LoadAddA", "I64MulAi"]),
        ("f64_store_acc", &["F64AddSsA", "F64StoreA"]),
        ("select_cmp", &["SelectI32LtS"]),
        ("select_eq", &["I32EqSsA", "SelectA"]),
        ("flag_sum", &["I32GtUSsA", "I32AddAs"]),
    ];
    for (name, wanted) in expect {
        let ops = ops_of(name);
        for op in wanted {
            assert!(ops.contains(op), "{name}: no {op} in {ops:?}");
        }
    }
}

/// `paired_ops.wast` runs the paired ops it means to, and keeps apart the
/// adds a label separates.
#[test]
fn paired_ops_are_used() {
    let ops_of = script_ops("paired_ops.wast");
    for (name, op) in [
        ("add_pair", "I32AddSi2"),
        ("add_pair_edges", "I32AddSi2"),
        ("add_pair_wraps", "I32AddSi2"),
        ("rotate3", "Copy2"),
        ("swap", "Copy2"),
        ("countdown", "I32AddSiBrNez"),
        ("countdown_tee", "I32AddSiBrNez"),
        ("count_edges", "I32AddSiBrNez"),
        ("count_up_wraps", "I32AddSiBrNez"),
        ("dec_skip", "I32AddSiBrNez"),
        ("latch_ne_const", "I32AddSiBrNe"),
        ("latch_ne_slot", "I32AddSiBrNe"),
        ("latch_lt_u_const", "I32AddSiBrLtU"),
        ("latch_lt_u_down", "I32AddSiBrLtU"),
        ("latch_lt_u_127", "I32AddSiBrLtU"),
        ("latch_bound_is_counter", "I32AddSiBrNe"),
        ("latch_forward", "I32AddSiBrNe"),
        ("select_i32_lt_u", "SelectI32LtU"),
        ("select_i32_ge_u", "SelectI32LtU"),
        ("select_i32_gt_s", "SelectI32LtS"),
        ("select_i32_le_s", "SelectI32LtS"),
        ("select_i64_gt_u", "SelectI64LtU"),
        ("select_i64_le_u", "SelectI64LtU"),
        ("select_i64_lt_s", "SelectI64LtS"),
        ("select_i64_ge_s", "SelectI64LtS"),
        ("select_i64_arms", "SelectI32LtS"),
    ] {
        let ops = ops_of(name);
        assert!(ops.contains(&op), "{name}: no {op} in {ops:?}");
    }
    // 128 does not fit in a byte: the third add stays on its own.
    let edges = ops_of("add_pair_edges");
    assert!(edges.contains(&"I32AddSi"), "{edges:?}");
    let across = ops_of("adds_across_label");
    assert!(!across.contains(&"I32AddSi2"), "{across:?}");
    // `sub 129` does not fit in a byte: that loop keeps its two ops.
    let edges = ops_of("count_edges");
    assert!(edges.contains(&"I32SubSi"), "{edges:?}");
    for name in ["branch_other_slot", "dec_across_label"] {
        let ops = ops_of(name);
        assert!(!ops.contains(&"I32AddSiBrNez"), "{name}: {ops:?}");
    }
    for name in ["latch_step_128", "latch_across_label"] {
        let ops = ops_of(name);
        assert!(
            !ops.contains(&"I32AddSiBrNe") && !ops.contains(&"I32AddSiBrLtU"),
            "{name}: {ops:?}"
        );
    }
}

/// `threaded_loops.wast`'s back-edges are threaded through their loop's exit
/// test (no `Br` left where the exit follows the `br`), and the one whose
/// exit is elsewhere keeps its `Br`.
#[test]
fn loop_back_edges_are_threaded() {
    let ops_of = script_ops("threaded_loops.wast");
    for name in [
        "sum_below",
        "count_down",
        "doublings",
        "until_flag",
        "triangle",
    ] {
        let ops = ops_of(name);
        assert!(!ops.contains(&"Br"), "{name}: {ops:?}");
    }
    assert!(ops_of("exit_elsewhere").contains(&"Br"));
    // The negated tests: `i >= n` comes back as `i < n`, and so on.
    assert!(ops_of("sum_below").contains(&"BrI32LtU"));
    assert!(ops_of("doublings").contains(&"BrI64LeU"));
    assert!(ops_of("until_flag").contains(&"BrIfEqz"));
    // A threaded test right after an in-place increment of what it tests
    // takes the increment over (the test stays, for the loop's exit).
    assert!(ops_of("sum_below").contains(&"I32AddSiBrLtU"));
    assert!(ops_of("count_up_to").contains(&"I32AddSiBrNe"));
    assert!(ops_of("count_up_const").contains(&"I32AddSiBrLtU"));
}
