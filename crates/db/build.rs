// `sqlx::migrate!` embeds the migrations when this crate compiles, and cargo does not know it
// read them: without this line, a new migration file reaches the binaries only after some
// unrelated change to this crate.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
