//! WASI tests: the official WASI test suite on host and in-memory
//! filesystems (`suite`), the project's own C guest programs (`guests`),
//! the sandbox escape suite (`escape`) and read-only/audited mounts
//! (`mounts`). `harness` runs one guest on one backend.
mod escape;
mod guests;
mod harness;
mod mounts;
mod suite;
