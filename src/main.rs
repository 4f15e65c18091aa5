//! The `layoffwatch` command line. The only place that uses `anyhow`: library errors are typed, and
//! here they are printed with their chain and turned into a non-zero exit.

mod cli;

use std::process::ExitCode;

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
