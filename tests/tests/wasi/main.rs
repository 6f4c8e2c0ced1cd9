//! WASI tests: the official WASI test suite on host and in-memory
//! filesystems (`suite`), the project's own guest programs in C, Zig and
//! Go (`guests`), the sandbox escape suite (`escape`) and read-only/audited
//! mounts (`mounts`), sizes and offsets at the top of the range (`sizes`),
//! and the embedding example's guest (`example`). `harness` runs one guest
//! on one backend.
mod escape;
mod example;
mod guests;
mod harness;
mod mounts;
mod sizes;
mod suite;
