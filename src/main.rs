use clap::Parser;
use clearance::error::ExitStatus;

fn main() {
    give_large_blocks_back();
    let cli = match clearance::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Clap writes without flushing: the flush's error counts too.
            let printed = e
                .print()
                .and_then(|()| std::io::Write::flush(&mut std::io::stdout()));
            let code = if e.use_stderr() {
                ExitStatus::Usage
            } else {
                ExitStatus::Success
            };
            // `--help > /dev/full`: the help did not arrive (a closed pipe is not an error).
            let code = match printed {
                Err(p)
                    if code == ExitStatus::Success
                        && p.kind() != std::io::ErrorKind::BrokenPipe =>
                {
                    eprintln!("error: standard output: cannot write the help ({p})");
                    ExitStatus::CannotWrite
                }
                _ => code,
            };
            std::process::exit(code.code());
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
    // Results that did not reach stdout (a full disk under `> plan.csv`) are a failure, not a
    // success with a cut file; a reader that went away (`| head`) is not.
    let code = match out.finish() {
        Err(e) => {
            out.stderr(&format!(
                "error: standard output: cannot write the results ({e}); what was written there \
                 is incomplete: run again with the output going where it can be written in full\n"
            ));
            if code == ExitStatus::Success {
                ExitStatus::CannotWrite
            } else {
                code
            }
        }
        Ok(()) => code,
    };
    std::process::exit(code.code());
}

/// glibc serves blocks of 128 KiB and more with their own mapping, given back to the system
/// when freed, but raises that threshold (up to 32 MiB) each time such a block is freed: after
/// the first few, the rules' batches and the plan's buffers come from the heap and stay with
/// the process once freed (a 1M-line sku x location plan peaked 9 MB higher,
/// docs/performance.md). Setting the threshold, at its default, turns the raising off.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_large_blocks_back() {
    // SAFETY: `mallopt` sets one of the allocator's parameters and touches no memory of ours;
    // it is called first thing, before any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_large_blocks_back() {}
