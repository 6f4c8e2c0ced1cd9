//! `decode_validate`: arbitrary bytes through the decoder and validator.
use std::sync::OnceLock;
use wasmbed::{Config, Engine, Module};

fn engines() -> &'static (Engine, Engine) {
    static ENGINES: OnceLock<(Engine, Engine)> = OnceLock::new();
    ENGINES.get_or_init(|| {
        let lazy = Engine::new(&Config::new());
        let mut eager = Config::new();
        eager.lazy_translation(false);
        (lazy, Engine::new(&eager))
    })
}

/// Decodes and validates `data` as a binary module. A module that
/// validates is built again with eager translation, so every function body
/// also goes through the translator. Returns whether it validated. Must
/// never panic; a module that validates lazily must also build eagerly.
pub fn check_decode(data: &[u8]) -> bool {
    let (lazy, eager) = engines();
    let valid = Module::from_binary(lazy, data).is_ok();
    if valid {
        if let Err(e) = Module::from_binary(eager, data) {
            panic!("the module validates but eager translation fails: {e}");
        }
    }
    valid
}
