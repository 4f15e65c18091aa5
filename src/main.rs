//! The `layoffwatch` command line. The only place that uses `anyhow`: library errors are typed, and
//! here they are printed with their chain and turned into a non-zero exit.

mod cli;

use std::process::ExitCode;

/// The pipeline allocates and frees many small strings and lists per item (segments, tokens,
/// claims); the system allocator spent about a fifth of a run's instructions on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("layoffwatch: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}
