//! Benchmarks of the generated client's runtime overhead live in `benches/runtime.rs`;
//! run them with `cargo bench -p cirqll-bench` (or `cargo xtask bench`).
