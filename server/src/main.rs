//! `tungnha`: the Từng Nhà server and its operator commands. Parsing lives in `cli`;
//! everything else is in the library (`tungnha_server`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
