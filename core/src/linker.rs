//! [`Linker`]: named definitions (host functions and store objects) that
//! resolve a module's imports by `module::name`. Host functions defined
//! here are store-independent and are allocated in a store when an
//! instantiation uses them.
use crate::engine::Engine;
use crate::error::Error;
use crate::extern_::Extern;
use crate::func::{dynamic_host_func, Caller, Func, HostFunc, IntoFunc};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{AsContext, AsContextMut};
use crate::types::FuncType;
use crate::value::Val;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use hashbrown::HashMap;

enum Definition<T> {
    Extern(Extern),
    HostFunc(Arc<HostFunc<T>>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(f) => Definition::HostFunc(f.clone()),
        }
    }
}

/// Resolves imports by name.
pub struct Linker<T> {
    engine: Engine,
    map: HashMap<(String, String), Definition<T>>,
    allow_shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            map: self.map.clone(),
            allow_shadowing: self.allow_shadowing,
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker for `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            map: HashMap::new(),
            allow_shadowing: false,
        }
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same
    /// name (off by default: a duplicate is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self, Error> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.map.contains_key(&key) {
            return Err(Error::link(format!(
                "`{module}::{name}` is already defined"
            )));
        }
        self.map.insert(key, def);
        Ok(self)
    }

    /// Defines `module::name` as a store object.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        let item = item.into();
        store.as_context().inner.owns(item.store_id(), "item")?;
        self.insert(module, name, Definition::Extern(item))
    }

    /// Defines `module::name` as a host closure with typed parameters.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        let host = f.into_host_func(&self.engine);
        self.insert(module, name, Definition::HostFunc(Arc::new(host)))
    }

    /// Defines `module::name` as a host closure of dynamic type.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        let host = dynamic_host_func(ty, f);
        self.insert(module, name, Definition::HostFunc(Arc::new(host)))
    }

    /// Defines every export of `instance` under module name `module`.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        store.as_context().inner.owns(instance.store, "instance")?;
        for (name, ext) in instance.exports(&store) {
            self.insert(module, &name, Definition::Extern(ext))?;
        }
        Ok(self)
    }

    /// The definition of `module::name`, allocated in `store` if it is a
    /// host function.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let def = self.map.get(&(module.to_string(), name.to_string()))?;
        Some(match def {
            Definition::Extern(e) => *e,
            Definition::HostFunc(f) => {
                Extern::Func(store.as_context_mut().alloc_host_func(f.clone()))
            }
        })
    }

    /// Resolves `module`'s imports and instantiates it.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let store = store.as_context_mut();
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for imp in &module.inner.imports {
            let ext = self
                .get(&mut *store, &imp.module, &imp.name)
                .ok_or_else(|| {
                    Error::link(format!(
                        "unknown import: `{}::{}` has not been defined",
                        imp.module, imp.name
                    ))
                })?;
            imports.push(ext);
        }
        Instance::new(store, module, &imports)
    }

    /// Instantiates a module and returns its export `_start`, ready to call
    /// (how commands such as WASI programs run).
    pub fn get_default(
        &self,
        mut store: impl AsContextMut<Data = T>,
        instance: Instance,
    ) -> Option<Func> {
        instance
            .get_func(store.as_context_mut(), "_start")
            .or_else(|| instance.get_func(store.as_context_mut(), ""))
    }
}
