use clap::Parser;
use clearance::error::ExitStatus;

fn main() {
    let cli = match clearance::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() {
                ExitStatus::Usage.code()
            } else {
                ExitStatus::Success.code()
            };
            std::process::exit(code);
        }
    };
    let mut out = clearance::Output::new();
    let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        clearance::run(cli, &mut out)
    })) {
        Ok(Ok(())) => ExitStatus::Success,
        Ok(Err(e)) => {
            out.stderr(&format!("error: {e}\n"));
            e.status()
        }
        Err(_) => {
            out.stderr(
                "error: internal error (a bug); please report it with the input that caused it\n",
            );
            ExitStatus::Internal
        }
    };
    out.flush();
    std::process::exit(code.code());
}
