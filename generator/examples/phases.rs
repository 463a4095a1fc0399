use std::time::Instant;
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let out = std::path::PathBuf::from(std::env::args().nth(2).unwrap());
    let t = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let spec = cirqll_codegen::load::load_bytes(&path, &bytes).unwrap();
    eprintln!("load {:?}", t.elapsed());
    let t = Instant::now();
    cirqll_codegen::resolve::validate(&spec).unwrap();
    eprintln!("validate {:?}", t.elapsed());
    let t = Instant::now();
    let mut api = cirqll_codegen::lower::lower(&spec).unwrap();
    eprintln!("lower {:?}", t.elapsed());
    let t = Instant::now();
    cirqll_codegen::naming::assign(&mut api);
    eprintln!("naming {:?}", t.elapsed());
    let t = Instant::now();
    let o = cirqll_codegen::emit::EmitOptions {
        crate_name: "x".into(),
        crate_version: "0.1.0".into(),
        spec_name: "s".into(),
        spec_sha256: spec.sha256.clone(),
    };
    let files = cirqll_codegen::emit::emit(&api, &o).unwrap();
    eprintln!("emit {:?}", t.elapsed());
    let t = Instant::now();
    cirqll_codegen::write_crate(&out, &files).unwrap();
    eprintln!("write {:?}", t.elapsed());
    let t = Instant::now();
    drop(files);
    drop(api);
    drop(spec);
    eprintln!("drop {:?}", t.elapsed());
}
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
