//! Time spent in each stage of one generation, for benchmarks and `--timings`.
//!
//! Measuring costs a few clock reads per stage and two per emitted file, so it is always on;
//! nothing is printed unless a caller asks ([`Timings`]'s `Display`).

use std::fmt;
use std::time::{Duration, Instant};

/// Time spent in each stage of one generation ([`crate::Generated::timings`]).
///
/// Stages that run on several threads are measured two ways: the shape check runs on its own
/// thread beside resolve, lower and naming (its time overlaps theirs), and emission renders
/// files on all cores, so [`Self::emit`] and [`Self::print`] are summed over the worker
/// threads while [`Self::emit_wall`] is the stage's elapsed time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading the bytes into a JSON tree (YAML or JSON), the version check, the conversion of
    /// Swagger 2.0 and OpenAPI 3.1 documents, and the spec's SHA-256.
    pub load: Duration,
    /// The check of the document's shape against `openapiv3` (on its own thread).
    pub shape_check: Duration,
    /// Reference and operationId validation.
    pub resolve: Duration,
    /// Spec → IR.
    pub lower: Duration,
    /// Rust names for the IR.
    pub naming: Duration,
    /// Building token streams and the non-Rust files (summed over threads).
    pub emit: Duration,
    /// Parsing the token streams with `syn` and printing them with prettyplease (summed over
    /// threads).
    pub print: Duration,
    /// Elapsed time of emission (emit and print on all cores).
    pub emit_wall: Duration,
    /// From the start of loading to the end of emission.
    pub total: Duration,
}

impl Timings {
    /// The stages in order, as `(name, time)`: the names [`Display`](fmt::Display) prints.
    pub fn stages(&self) -> [(&'static str, Duration); 9] {
        [
            ("load", self.load),
            ("shape_check", self.shape_check),
            ("resolve", self.resolve),
            ("lower", self.lower),
            ("naming", self.naming),
            ("emit", self.emit),
            ("print", self.print),
            ("emit_wall", self.emit_wall),
            ("total", self.total),
        ]
    }
}

/// One line, `name=1.2ms` per stage, separated by spaces (`load=80.1ms shape_check=...`).
impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, time)) in self.stages().iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{name}={:.1}ms", time.as_secs_f64() * 1e3)?;
        }
        Ok(())
    }
}

/// Runs `f`, adding its elapsed time to `into`.
pub(crate) fn timed<T>(into: &mut Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    *into += start.elapsed();
    out
}
