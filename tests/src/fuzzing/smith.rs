//! How the generated modules look: `wasm-smith` limited to what wasmbed
//! implements (WebAssembly 2.0: MVP, mutable globals, sign extension,
//! saturating float-to-int, multi-value, bulk memory, reference types; SIMD
//! when the core validates it), with small memories and tables so a case
//! runs in microseconds.
use arbitrary::Unstructured;
use std::sync::OnceLock;
use wasmbed::{Config, Engine, Module};

/// `(module (func (drop (v128.const i64x2 0 0))))`.
const V128_PROBE: &[u8] = &[
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
    0x03, 0x02, 0x01, 0x00, // func 0: type 0
    0x0a, 0x17, 0x01, 0x15, 0x00, // code: one body of 21 bytes, no locals
    0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // v128.const
    0x1a, 0x0b, // drop, end
];

/// Whether wasmbed's default configuration accepts SIMD (`v128`) modules:
/// the generators turn SIMD on when it does.
pub fn simd_supported() -> bool {
    static SIMD: OnceLock<bool> = OnceLock::new();
    *SIMD.get_or_init(|| Module::from_binary(&Engine::new(&Config::new()), V128_PROBE).is_ok())
}

/// What the module is generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmithPurpose {
    /// Run on wasmbed alone: anything goes, traps included.
    Run,
    /// Run on wasmbed and wasmi and compared: NaNs canonicalised (the spec
    /// leaves arithmetic NaN bits open) and every item exported.
    Differential,
}

/// The `wasm-smith` configuration for one case; a few knobs come from `u`.
pub fn smith_config(
    u: &mut Unstructured<'_>,
    purpose: SmithPurpose,
) -> arbitrary::Result<wasm_smith::Config> {
    let mut c = wasm_smith::Config {
        // Proposals beyond 2.0 that wasmbed does not implement.
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        relaxed_simd_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        custom_descriptors_enabled: false,
        compact_imports_enabled: false,
        max_memories: 1,
        // 2.0.
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        sign_extension_ops_enabled: true,
        saturating_float_to_int_enabled: true,
        simd_enabled: simd_supported(),
        // Small and fast.
        max_memory32_bytes: 16 * 65536,
        memory_max_size_required: true,
        max_table_elements: 64,
        table_max_size_required: true,
        max_tables: 3,
        // At least one function type, or wasm-smith makes no functions.
        min_types: 1,
        min_funcs: u.int_in_range(1..=8)?,
        max_funcs: 24,
        max_instructions: u.int_in_range(8..=300)?,
        max_imports: 8,
        max_globals: 12,
        max_types: 24,
        max_data_segments: 8,
        max_element_segments: 8,
        max_elements: 16,
        max_exports: 32,
        max_nesting_depth: 8,
        allow_start_export: u.arbitrary()?,
        ..wasm_smith::Config::default()
    };
    if purpose == SmithPurpose::Differential {
        c.canonicalize_nans = true;
        c.export_everything = true;
    } else {
        c.export_everything = u.ratio(3, 4)?;
    }
    Ok(c)
}

/// `ensure_termination`'s budget for differential modules: function
/// entries plus loop iterations over all calls of one case.
const TERMINATION_BUDGET: u32 = 2_000;

/// Generates one module from `u` for `purpose`, as binary. Differential
/// modules also get `wasm-smith`'s termination counter.
pub fn generate(u: &mut Unstructured<'_>, purpose: SmithPurpose) -> arbitrary::Result<Vec<u8>> {
    let config = smith_config(u, purpose)?;
    let mut module = wasm_smith::Module::new(config, u)?;
    if purpose == SmithPurpose::Differential {
        module
            .ensure_termination(TERMINATION_BUDGET)
            .expect("wasm-smith generated every function body");
    }
    Ok(module.to_bytes())
}
