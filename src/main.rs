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
    // Panics are caught and reported as one line (a damaged file, or exit 70 for a bug); the
    // default hook's backtrace would only be noise in a merchant's terminal or a cron mail.
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = clearance::Output::new();
    let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        clearance::run(cli, &mut out)
    })) {
        Ok(Ok(())) => ExitStatus::Success,
        Ok(Err(e)) => {
            out.stderr(&format!("error: {e}\n"));
            e.status()
        }
        Err(panic) => {
            out.stderr(&format!(
                "error: internal error (a bug: {}); please report it with the input that caused it\n",
                clearance::panic_message(panic.as_ref())
            ));
            ExitStatus::Internal
        }
    };
    out.flush();
    std::process::exit(code.code());
}
