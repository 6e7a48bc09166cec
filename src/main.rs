use std::process::ExitCode;

fn main() -> ExitCode {
    moat::cli::main()
}
