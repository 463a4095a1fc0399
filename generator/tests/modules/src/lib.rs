//! Every fixture spec of the generator and the Cirqll spec, generated in module mode by
//! `build.rs` and included here, so module mode meets the bar of the golden crates: it
//! compiles without warnings and passes clippy, with and without `full-serde` (this crate's
//! feature of the same name).

/// The Cirqll client at the crate root, where its default module path (the crate name,
/// `x-rust-crate.name`) puts it.
pub mod cirqll {
    include!(concat!(env!("OUT_DIR"), "/cirqll.rs"));
}

/// One module per fixture spec, at `crate::fixtures::<fixture>`.
pub mod fixtures {
    /// `audit_drift.yaml`.
    pub mod audit_drift {
        include!(concat!(env!("OUT_DIR"), "/audit_drift.rs"));
    }
    /// `bodies.yaml`.
    pub mod bodies {
        include!(concat!(env!("OUT_DIR"), "/bodies.rs"));
    }
    /// `composition.yaml`.
    pub mod composition {
        include!(concat!(env!("OUT_DIR"), "/composition.rs"));
    }
    /// `cursed.yaml`.
    pub mod cursed {
        include!(concat!(env!("OUT_DIR"), "/cursed.rs"));
    }
    /// `enums.yaml`.
    pub mod enums {
        include!(concat!(env!("OUT_DIR"), "/enums.rs"));
    }
    /// `extensions.yaml`.
    pub mod extensions {
        include!(concat!(env!("OUT_DIR"), "/extensions.rs"));
    }
    /// `objects.yaml`.
    pub mod objects {
        include!(concat!(env!("OUT_DIR"), "/objects.rs"));
    }
    /// `openapi31.yaml`.
    pub mod openapi31 {
        include!(concat!(env!("OUT_DIR"), "/openapi31.rs"));
    }
    /// `parameters.yaml`.
    pub mod parameters {
        include!(concat!(env!("OUT_DIR"), "/parameters.rs"));
    }
    /// `references.yaml`.
    pub mod references {
        include!(concat!(env!("OUT_DIR"), "/references.rs"));
    }
    /// `swagger2.yaml`.
    pub mod swagger2 {
        include!(concat!(env!("OUT_DIR"), "/swagger2.rs"));
    }
    /// `webhooks31.yaml`.
    pub mod webhooks31 {
        include!(concat!(env!("OUT_DIR"), "/webhooks31.rs"));
    }
}
