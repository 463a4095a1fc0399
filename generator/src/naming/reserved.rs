//! The identifiers the generator itself puts where spec-derived names also live, one
//! [`Scope`] per place, and the names a spec name must not take there.
//!
//! [`super::assign`] gives no spec name (operation, tag, parameter, field, enum value...) a
//! name its scope reserves: it appends the scope's [`Scope::suffix`] instead (`send` →
//! `send_param`) or numbers it (`Unknown` → `Unknown2`). An emitter that adds an item to a
//! scope lists it here in the same change; `tests/reserved.rs` parses every generated crate
//! and fails when a scope holds an identifier that is neither spec-derived nor listed, when a
//! listed one appears in no generated crate, and when the cursed fixture gives no spec name
//! some reserved name a spec name could have. A new emitter with a scope of its own adds one
//! more [`Scope`] and one more entry to [`SCOPES`].
//!
//! Names the naming stage makes itself are not listed, since it picks them clear of the spec
//! names: the API struct, builders and response enums of a tag module (`<Tag>Api`,
//! `<Op>Request`, `<Op>Response`), and the model files `shared` and `other` (numbered when a
//! tag has the name).

/// One namespace of the generated crate shared by generated and spec-derived identifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Where the scope is, for messages (`methods of a request builder`).
    pub name: &'static str,
    /// Identifiers the generator defines in the scope itself (items, methods, fields,
    /// variants, generic parameters), whatever the spec says.
    pub defined: &'static [&'static str],
    /// Names the generator defines nothing under, but a spec name must still not take: trait
    /// methods the generated code calls with method syntax (an inherent method of the same
    /// name would shadow them), names clippy's `should_implement_trait` and `new_ret_no_self`
    /// reserve for the shapes spec-derived methods have there, and names a file cannot have.
    pub avoided: &'static [&'static [&'static str]],
    /// Appended to a spec name this scope reserves (`send` → `send_param`); empty when the
    /// name is numbered instead (`Unknown` → `Unknown2`).
    pub suffix: &'static str,
}

impl Scope {
    /// Whether a spec-derived name must not be `name` here.
    pub fn reserves(&self, name: &str) -> bool {
        self.reserved().any(|r| r == name)
    }

    /// Every reserved name, defined ones first.
    pub fn reserved(&self) -> impl Iterator<Item = &'static str> {
        self.defined.iter().chain(self.avoided.iter().flat_map(|list| list.iter())).copied()
    }
}

/// Methods `(self, value)` clippy's `should_implement_trait` takes for operator traits
/// (`fn add(self, rhs) -> _` should be `impl Add`): builder setters and filter operators have
/// that shape.
const OPERATOR_TRAIT_METHODS: &[&str] = &["add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor"];

/// File stems Windows cannot create (`aux.rs`), in any case: a tag's module is a file.
const WINDOWS_DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt0",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Items of the crate root (`src/lib.rs`). No spec-derived name lives here today; an emitter
/// that puts one here reserves against this list.
pub const ROOT: Scope = Scope {
    name: "items of the crate root",
    defined: &[
        "apis",
        "models",
        "query",
        "oauth",
        "runtime",
        "webhooks",
        "mock",
        "Client",
        "ClientBuilder",
        "DateTime",
        "ApiError",
        "Error",
        "Page",
        "RateLimit",
        "Response",
        "RetryPolicy",
        "DATETIME_WIRE_FORMAT",
        "SERVERS",
        "API_CONFIG",
    ],
    avoided: &[],
    suffix: "",
};

/// Methods of `Client` (`src/lib.rs` and the runtime's `client.rs`), where each tag gets its
/// accessor. A tag's one name is also its module under `apis::` and `models::`
/// ([`APIS`], [`MODELS`]); the three scopes are reserved together, with this suffix.
pub const CLIENT_METHODS: Scope = Scope {
    name: "methods of Client",
    defined: &[
        "builder",
        "builder_for",
        "oauth_session",
        "execute",
        "execute_inner",
        "build_request",
        "finish",
        "send_with",
        "send_json",
        "send_empty",
    ],
    // Accessors are `fn tag(&self) -> TagApi`: `clone` is called on clients (and clippy's
    // should_implement_trait), `new` is clippy's new_ret_no_self.
    avoided: &[&["clone", "new"]],
    suffix: "_api",
};

/// Items of the `apis` module: a module per tag (a file `src/apis/<tag>.rs`) and the page
/// layout markers.
pub const APIS: Scope = Scope { name: "items of apis", defined: &[], avoided: &[WINDOWS_DEVICE_NAMES], suffix: "_api" };

/// Items of a tag's module (`src/apis/<tag>.rs`): its API struct, request builders and
/// response enums, all named by naming, and the builders' generic output parameter.
pub const TAG_MODULE: Scope = Scope { name: "items of a tag module", defined: &["T"], avoided: &[], suffix: "" };

/// Methods of a tag's API struct, one per operation: `fn op(&self, args...) -> OpRequest`.
pub const TAG_API_METHODS: Scope = Scope {
    name: "methods of a tag API struct",
    defined: &["new"],
    // clippy's should_implement_trait: `clone(&self)` and `cmp(&self, other)`.
    avoided: &[&["clone", "cmp"]],
    suffix: "_op",
};

/// Fields and methods of a request builder (parameters are both a field and a setter).
pub const REQUEST_BUILDER: Scope = Scope {
    name: "fields and methods of a request builder",
    defined: &["client", "body", "timeout", "_output", "request_spec", "send", "pages", "stream"],
    // `pages`/`stream` call `self.clone()`; a `show` setter returns another type (clippy's
    // new_ret_no_self); setters are `(self, value) -> Self` (should_implement_trait).
    avoided: &[&["clone", "new"], OPERATOR_TRAIT_METHODS],
    suffix: "_param",
};

/// Variants of an operation's response enum, one per success status.
pub const RESPONSE_VARIANTS: Scope =
    Scope { name: "variants of a response enum", defined: &[], avoided: &[], suffix: "" };

/// Items of the `models` module: one module (a file) per tag, `shared` and `other`.
pub const MODELS: Scope =
    Scope { name: "items of models", defined: &[], avoided: &[WINDOWS_DEVICE_NAMES], suffix: "_api" };

/// Items of a model file (`src/models/<group>.rs`): the types, all named by naming.
pub const MODEL_ITEMS: Scope = Scope { name: "items of a model file", defined: &[], avoided: &[], suffix: "" };

/// Fields of a model struct.
pub const STRUCT_FIELDS: Scope =
    Scope { name: "fields of a model struct", defined: &[ADDITIONAL_PROPERTIES_FIELD], avoided: &[], suffix: "_field" };

/// Variants of a model enum or union.
pub const MODEL_VARIANTS: Scope =
    Scope { name: "variants of a model enum or union", defined: &[UNKNOWN_VARIANT], avoided: &[], suffix: "" };

/// Items of the `query` module: the runtime's query types it re-exports, the syntax
/// constants, and each vocabulary's field, relation and count enums.
pub const QUERY: Scope = Scope {
    name: "items of query",
    defined: &[
        "FieldFilter",
        "Filter",
        "FilterSyntax",
        "QueryField",
        "Sort",
        "SortSyntax",
        "FILTER_SYNTAX",
        "SORT_SYNTAX",
    ],
    avoided: &[],
    suffix: "",
};

/// Variants of a vocabulary's field, relation and count enums.
pub const QUERY_VARIANTS: Scope =
    Scope { name: "variants of a query vocabulary enum", defined: &[], avoided: &[], suffix: "" };

/// Methods of `FieldFilter`, one per filter operator: `fn op(self, value) -> Filter<F>`.
pub const FILTER_OPERATORS: Scope = Scope {
    name: "methods of FieldFilter",
    defined: &["op", "op_list"],
    // Operators are `(self, value) -> Filter` (should_implement_trait, new_ret_no_self).
    avoided: &[&["new"], OPERATOR_TRAIT_METHODS],
    suffix: "_operator",
};

/// Items of the `oauth` module. No spec-derived name lives here today.
pub const OAUTH: Scope = Scope {
    name: "items of oauth",
    defined: &[
        "AuthorizationRequest",
        "AuthorizeUrlBuilder",
        "FileTokenStore",
        "KeyringTokenStore",
        "MemoryTokenStore",
        "OAuthConfig",
        "OAuthSession",
        "Secret",
        "TokenSet",
        "TokenStore",
        "TokenStoreError",
        "AUTHORIZATION_URL",
        "TOKEN_URL",
        "REFRESH_URL",
        "config",
        "Scope",
    ],
    avoided: &[],
    suffix: "",
};

/// Variants of the OAuth2 `Scope` enum.
pub const SCOPE_VARIANTS: Scope = Scope { name: "variants of Scope", defined: &[], avoided: &[], suffix: "" };

/// Methods of the mock server (`runtime::mock::MockServer`, feature `mock`), where each tag gets
/// its accessor (`server.customer()`, defined in `src/mock/<tag>.rs`); numbered when taken.
pub const MOCK_SERVER_METHODS: Scope = Scope {
    name: "methods of MockServer",
    defined: &[
        "start",
        "from_wiremock",
        "uri",
        "server_uri",
        "client",
        "client_builder",
        "wiremock",
        "received_requests",
        "verify",
        "reset",
    ],
    // Trait methods called with method syntax on the server.
    avoided: &[&["clone", "fmt"]],
    suffix: "",
};

/// Methods of a mock expectation (`runtime::mock::Expectation<Op>`, feature `mock`): the
/// runtime's, and those the mock emitter adds per operation (`returns`, `returns_partial`,
/// `with_body`), where each parameter gets its matchers (`with_<param>`, `<param>_contains`);
/// numbered when taken.
pub const MOCK_EXPECTATION_METHODS: Scope = Scope {
    name: "methods of a mock Expectation",
    defined: &[
        "new",
        "path_param",
        "query_param",
        "query_param_contains",
        "header",
        "cookie",
        "matching",
        "body_matching",
        "returns_status",
        "returns_json",
        "returns_empty",
        "responds_with",
        "reply_header",
        "reply_delay",
        "retry_after",
        "expect",
        "up_to_n_times",
        "named",
        "priority",
        "mount",
        "mount_as_scoped",
        "received",
        "returns_page",
        "returns_list",
        "page",
        "reply_json",
        "reply_bytes",
        "checked",
        "push_reply",
        "last_reply",
        "into_mock",
        "route",
        "returns",
        "returns_partial",
        "with_body",
    ],
    // Trait methods called with method syntax (`.await` is `into_future`).
    avoided: &[&["into_future", "clone", "fmt"]],
    suffix: "",
};

/// Items of the `mock` module (feature `mock`): the runtime's types it re-exports and
/// `wiremock`, beside one module per tag (named like the tag's API module, so reserved with
/// [`APIS`]) and the per-tag and per-operation types naming makes (`CustomerMock`,
/// `CustomerShow`).
pub const MOCK_MODULE: Scope = Scope {
    name: "items of mock",
    defined: &[
        "MockServer",
        "Expectation",
        "MockGuard",
        "MockOperation",
        "PagedOperation",
        "ReceivedRequest",
        "wiremock",
    ],
    avoided: &[],
    suffix: "_api",
};

/// Every scope, for tests and documentation.
pub const SCOPES: &[&Scope] = &[
    &ROOT,
    &CLIENT_METHODS,
    &APIS,
    &TAG_MODULE,
    &TAG_API_METHODS,
    &REQUEST_BUILDER,
    &RESPONSE_VARIANTS,
    &MODELS,
    &MODEL_ITEMS,
    &STRUCT_FIELDS,
    &MODEL_VARIANTS,
    &QUERY,
    &QUERY_VARIANTS,
    &FILTER_OPERATORS,
    &OAUTH,
    &SCOPE_VARIANTS,
    &MOCK_MODULE,
    &MOCK_SERVER_METHODS,
    &MOCK_EXPECTATION_METHODS,
];

/// The variant that keeps values a model enum or union does not know.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The field that keeps undeclared properties of a struct with `additionalProperties`.
pub const ADDITIONAL_PROPERTIES_FIELD: &str = "additional_properties";
