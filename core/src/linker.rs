//! [`Linker`]: named definitions (host functions and store objects) that
//! resolve a module's imports by `module::name`. Host functions defined
//! here are store-independent and are allocated in a store when an
//! instantiation uses them.
use crate::engine::Engine;
use crate::error::Error;
use crate::extern_::Extern;
use crate::func::{
    async_host_func, dynamic_host_func, Caller, Func, HostFunc, IntoFunc, WasmResults,
};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{AsContext, AsContextMut};
use crate::types::FuncType;
use crate::value::Val;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

enum Definition<T> {
    Extern(Extern),
    /// With its signature's id in the linker's engine.
    HostFunc(Arc<HostFunc<T>>, u32),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::HostFunc(f, id) => Definition::HostFunc(f.clone(), *id),
        }
    }
}

/// Resolves imports by name.
pub struct Linker<T> {
    engine: Engine,
    /// Definitions sorted by `(module, name)`: a lookup is a binary search
    /// that allocates nothing (a hash map keyed by owned strings needed two
    /// `String`s per lookup, and hashing code in small builds).
    defs: Vec<(String, String, Definition<T>)>,
    allow_shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
            allow_shadowing: self.allow_shadowing,
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker for `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            defs: Vec::new(),
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
        match self.find(module, name) {
            Ok(_) if !self.allow_shadowing => {
                return Err(Error::link(format!(
                    "`{module}::{name}` is already defined"
                )));
            }
            Ok(i) => self.defs[i].2 = def,
            Err(i) => self
                .defs
                .insert(i, (module.to_string(), name.to_string(), def)),
        }
        Ok(self)
    }

    /// Where `module::name` is in `defs`, or where it would go.
    fn find(&self, module: &str, name: &str) -> Result<usize, usize> {
        self.defs
            .binary_search_by(|(m, n, _)| (m.as_str(), n.as_str()).cmp(&(module, name)))
    }

    /// The definition of `module::name`.
    fn lookup(&self, module: &str, name: &str) -> Option<&Definition<T>> {
        self.find(module, name).ok().map(|i| &self.defs[i].2)
    }

    fn insert_host(
        &mut self,
        module: &str,
        name: &str,
        host: HostFunc<T>,
    ) -> Result<&mut Self, Error> {
        let id = self.engine.intern_type(&host.ty);
        self.insert(module, name, Definition::HostFunc(Arc::new(host), id))
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
        self.insert_host(module, name, host)
    }

    /// Defines `module::name` as an async host closure: it takes a
    /// [`Caller`] and its params as a tuple and returns a boxed future of
    /// its results. Guests reach it only through `call_async`; a sync call
    /// (or a start function) that reaches it fails with a usage error.
    pub fn func_wrap_async<P, R, F>(
        &mut self,
        module: &str,
        name: &str,
        f: F,
    ) -> Result<&mut Self, Error>
    where
        T: Send,
        P: WasmResults,
        R: WasmResults,
        F: for<'a> Fn(
                Caller<'a, T>,
                P,
            ) -> alloc::boxed::Box<
                dyn core::future::Future<Output = Result<R, Error>> + Send + 'a,
            > + Send
            + Sync
            + 'static,
    {
        self.insert_host(module, name, async_host_func(f))
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
        self.insert_host(module, name, host)
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
        let def = self.lookup(module, name)?;
        Some(match def {
            Definition::Extern(e) => *e,
            Definition::HostFunc(f, _) => {
                Extern::Func(store.as_context_mut().alloc_host_func(f.clone()))
            }
        })
    }

    /// Resolves `module`'s imports and instantiates it (running its start
    /// function).
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        self.instantiate_pre(module)?.instantiate(&mut store)
    }

    /// Resolves `module`'s imports by name once, for an [`InstancePre`]
    /// that instantiates it many times without looking them up again.
    pub fn instantiate_pre(&self, module: &Module) -> Result<InstancePre<T>, Error> {
        let mut imports = Vec::with_capacity(module.inner.imports.len());
        for imp in &module.inner.imports {
            let def = self.lookup(&imp.module, &imp.name).ok_or_else(|| {
                Error::link(format!(
                    "unknown import: `{}::{}` has not been defined",
                    imp.module, imp.name
                ))
            })?;
            imports.push(def.clone());
        }
        Ok(InstancePre {
            module: module.clone(),
            engine: self.engine.clone(),
            imports: Arc::from(imports),
        })
    }

    /// Defines the exports of `module` under the name `module_name`, so
    /// that later modules can import them, following the WASI conventions
    /// as wasmtime does:
    ///
    /// - a *command* (it exports `_start`) gets a fresh instance for every
    ///   call: each exported function, when called, instantiates `module`
    ///   with this linker's definitions as they are now and calls its
    ///   export in that instance;
    /// - a *reactor* (no `_start`) is instantiated once, here; its
    ///   `_initialize` export, if any, runs; then its exports are defined
    ///   as by [`Linker::instance`].
    pub fn module(
        &mut self,
        mut store: impl AsContextMut<Data = T>,
        module_name: &str,
        module: &Module,
    ) -> Result<&mut Self, Error> {
        let is_command = module
            .exports()
            .any(|e| e.name() == "_start" && matches!(e.ty(), crate::ExternType::Func(_)));
        if !is_command {
            let instance = self.instantiate(&mut store, module)?;
            if let Some(init) = instance.get_func(&store, "_initialize") {
                init.typed::<(), ()>(&store)?.call(&mut store, ())?;
            }
            return self.instance(&store, module_name, instance);
        }
        let pre = self.instantiate_pre(module)?;
        for export in module.exports() {
            let crate::ExternType::Func(ty) = export.ty() else {
                continue;
            };
            let pre = pre.clone();
            let name = String::from(export.name());
            let host = dynamic_host_func(ty, move |mut caller, params, results| {
                let instance = pre.instantiate(&mut caller)?;
                let f = instance
                    .get_func(&caller, &name)
                    .ok_or_else(|| Error::link(format!("the command's export `{name}` is gone")))?;
                f.call(&mut caller, params, results)
            });
            self.insert_host(module_name, export.name(), host)?;
        }
        Ok(self)
    }

    /// The default export of the module defined under `module`: its export
    /// named `""`, or else `_start` (the WASI command entry point), as
    /// wasmtime looks them up. Nothing is instantiated or run here: a
    /// command defined with [`Linker::module`] instantiates when the
    /// returned function is called. With neither export defined, the
    /// default is a function that does nothing.
    pub fn get_default(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
    ) -> Result<Func, Error> {
        for name in ["", "_start"] {
            match self.get(&mut store, module, name) {
                Some(Extern::Func(f)) => return Ok(f),
                Some(_) => {
                    return Err(Error::link(format!(
                        "`{module}::{name}` is not a function, so it cannot be the default export"
                    )))
                }
                None => {}
            }
        }
        Ok(Func::wrap(store, || {}))
    }
}

/// A module with its imports resolved by a [`Linker`], ready to be
/// instantiated many times without looking names up again (one per request
/// in a server, say). Cheap to clone.
pub struct InstancePre<T> {
    module: Module,
    /// The linker's engine: its signature ids are valid in stores of it.
    engine: Engine,
    imports: Arc<[Definition<T>]>,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        InstancePre {
            module: self.module.clone(),
            engine: self.engine.clone(),
            imports: self.imports.clone(),
        }
    }
}

impl<T: 'static> InstancePre<T> {
    /// The module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Instantiates the module in `store`, running its start function.
    /// Host functions are placed in the store; store objects the linker
    /// held must belong to `store`.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>) -> Result<Instance, Error> {
        let store = store.as_context_mut();
        let same_engine = Engine::same(store.engine(), &self.engine);
        let mut imports = Vec::with_capacity(self.imports.len());
        for def in self.imports.iter() {
            imports.push(match def {
                Definition::Extern(e) => *e,
                Definition::HostFunc(f, id) if same_engine => {
                    Extern::Func(store.alloc_host_func_typed(f.clone(), *id))
                }
                Definition::HostFunc(f, _) => Extern::Func(store.alloc_host_func(f.clone())),
            });
        }
        Instance::new(store, &self.module, &imports)
    }
}
