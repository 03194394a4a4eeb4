//! Link options of every deployable binary (the functions here, the worker through
//! `build = "../functions/api/build.rs"`).
//!
//! Packed relative relocations (`DT_RELR`): a position-independent executable carries one
//! relocation per pointer in its static data, which the dynamic loader reads at every exec. As
//! 24-byte RELA entries that is 3.4 MB per binary, read from the file at each start and kept in
//! the page cache of every process; packed, about 45 kB. Start-up and idle RSS measured in
//! docs/benchmarks.md ("Start-up and memory: where the time and the pages go"). Needs glibc ≥ 2.36
//! where the binary runs (Debian 12, the distroless runtime image); an older loader refuses the
//! binary at exec with "GLIBC_ABI_DT_RELR not found" rather than misbehaving.

fn main() {
    // The script itself is tracked by cargo (a change recompiles and reruns it); this only stops
    // reruns on every other change of the package. Cargo.toml is in both packages that run it.
    println!("cargo:rerun-if-changed=Cargo.toml");
    let target = |key: &str| std::env::var(key).unwrap_or_default();
    if target("CARGO_CFG_TARGET_OS") == "linux" && target("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
