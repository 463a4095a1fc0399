//! The intermediate representation: a small, language-neutral model of an API.
//!
//! Everything the emitters need is here and nothing else: emitters never look at `openapiv3`
//! types. Every spec quirk (inline schemas, `allOf`, nullable, read/write-only, extensions) is
//! settled by [`crate::lower`] before this model exists. Names are stored as [`Name`]s: the wire
//! name from the spec and the Rust name chosen by [`crate::naming`].

use indexmap::IndexMap;

/// A name as it appears on the wire and as it appears in Rust.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// The name in the spec (property, parameter, schema, enum value...).
    pub wire: String,
    /// The Rust identifier, filled in by the naming stage; empty before it runs.
    pub rust: String,
}

impl Name {
    /// A name whose Rust spelling is not chosen yet.
    pub fn wire(wire: impl Into<String>) -> Self {
        Name { wire: wire.into(), rust: String::new() }
    }
}

/// Documentation drawn from the spec for one item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// Summary / title line.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Constraints rendered as short phrases ("at most 255 characters").
    pub constraints: Vec<String>,
    /// `x-provenance` note when the item is marked inferred (or observed by the audit).
    pub provenance: Option<String>,
    /// Whether the item is deprecated.
    pub deprecated: bool,
}

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// API title from `info.title`.
    pub title: String,
    /// API version from `info.version`.
    pub version: String,
    /// API description from `info.description`.
    pub description: Option<String>,
    /// Distinct server URLs: index 0 is the default base URL.
    pub servers: Vec<String>,
    /// Named types, in a deterministic order (components first, then inline types).
    pub types: Vec<TypeDef>,
    /// Operations grouped by tag, in spec order.
    pub tags: Vec<Tag>,
    /// Requests the API sends to the user's server (OpenAPI 3.1 `webhooks`), in spec order.
    pub webhooks: Vec<Webhook>,
    /// OAuth2 authorization-code flow, when the spec declares one.
    pub oauth2: Option<OAuth2>,
    /// Wire format of date-times (`x-datetime-format`), a chrono format string.
    pub datetime_format: Option<String>,
    /// Rate-limit conventions (`x-rate-limit`).
    pub rate_limit: RateLimitConfig,
    /// Filter syntax shared by all filter parameters (`x-filter`), when any.
    pub filter_syntax: Option<FilterSyntax>,
    /// Sort syntax shared by all order-by parameters (`x-sort`), when any.
    pub sort_syntax: Option<SortSyntax>,
    /// Typed query vocabularies (`x-query` on schemas).
    pub query_vocabularies: Vec<QueryVocabulary>,
    /// Page layouts used by paginated operations (`x-pagination`).
    pub page_layouts: Vec<PageLayout>,
    /// Package metadata for the generated crate (`x-rust-crate`).
    pub crate_meta: CrateMeta,
    /// Things the generator could only approximate, reported after generation.
    pub fallbacks: Vec<String>,
}

/// Package metadata of the generated crate, from the spec's `x-rust-crate` extension.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrateMeta {
    /// Package name, used when the generator is given none (checked to be a valid name).
    pub name: Option<String>,
    /// Package version (overrides the generator option).
    pub version: Option<String>,
    /// SPDX license expression.
    pub license: Option<String>,
    /// Repository URL.
    pub repository: Option<String>,
    /// Homepage URL.
    pub homepage: Option<String>,
    /// crates.io keywords.
    pub keywords: Vec<String>,
    /// crates.io categories.
    pub categories: Vec<String>,
}

/// Index of a [`TypeDef`] in [`Api::types`].
pub type TypeId = usize;

/// One named Rust type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Type name (wire: schema name or synthesized inline path).
    pub name: Name,
    /// File (module) the type lives in, without extension; set by naming.
    pub module: String,
    /// Documentation.
    pub docs: Docs,
    /// What the type is.
    pub kind: TypeKind,
    /// Example from the spec, as JSON, if any.
    pub example: Option<serde_json::Value>,
    /// Which ways the client moves values of this type; set by lowering's last pass.
    pub wire_use: WireUse,
    /// Which operations use the type, deciding the file it is defined in; set with `wire_use`.
    pub home: Home,
}

/// Which operations use a type: those of one tag, of several, or none. Models are grouped into
/// one file per home (`src/models/<tag>.rs`, `shared.rs`, `other.rs`), so a reader finds a
/// resource's types next to each other and a large API is a few dozen files, not thousands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Home {
    /// Only operations of the tag with this index.
    Tag(usize),
    /// Operations of several tags.
    Shared,
    /// Only webhook payloads (requests the API sends, OpenAPI 3.1 `webhooks`).
    Webhooks,
    /// No request, success response or webhook (error bodies, GitHub's `x-webhooks` payloads).
    #[default]
    Other,
}

/// Which ways the client moves values of a type, and so which serde impls it always needs.
///
/// A type reachable from a request body or parameter is `sent` (it needs `Serialize`); one
/// reachable from a response, a page item or a partial view is `received` (`Deserialize`). A type
/// no operation reaches (GitHub's webhook payloads) counts as received: parsing payloads pushed
/// to you is its likelier use. The other direction is compiled only with the crate's
/// `full-serde` feature, which halves the serde code users compile for a typical API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireUse {
    /// Serialized by the client.
    pub sent: bool,
    /// Deserialized by the client.
    pub received: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A closed set of string or integer values, with an `Unknown` fallback.
    Enum(Enum),
    /// `oneOf` / `anyOf`.
    Union(Union),
    /// A named alias for another type (`type X = ...`).
    Alias(TypeRef),
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// Type of additional properties, when the object allows them (flattened map).
    pub additional: Option<TypeRef>,
}

/// One property of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// Property name.
    pub name: Name,
    /// Value type (never includes the optional/nullable wrapping).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Documentation.
    pub docs: Docs,
    /// Whether the field must be boxed to break a containment cycle.
    pub boxed: bool,
    /// Default value from the spec, as JSON.
    pub default: Option<serde_json::Value>,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
}

/// A string or integer enumeration.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Whether the values are integers (else strings).
    pub integer: bool,
    /// The known values.
    pub variants: Vec<Name>,
}

/// A `oneOf`/`anyOf` type.
#[derive(Debug, Clone)]
pub struct Union {
    /// The alternatives.
    pub variants: Vec<UnionVariant>,
    /// Discriminator property name, for internally tagged unions.
    pub discriminator: Option<String>,
}

/// One alternative of a [`Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Variant name (wire: discriminator value or target type name).
    pub name: Name,
    /// The type carried.
    pub ty: TypeRef,
    /// Whether the payload must be boxed to break a containment cycle.
    pub boxed: bool,
}

/// A reference to a type, as used by fields, parameters and bodies.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// `string`.
    String,
    /// `boolean`.
    Bool,
    /// `integer` in a given width.
    Int(IntWidth),
    /// `number` as f32 (`float`).
    F32,
    /// `number` as f64 (`double` or unspecified).
    F64,
    /// `string`/`date-time`.
    DateTime,
    /// `string`/`date`.
    Date,
    /// `string`/`uuid`.
    Uuid,
    /// `string`/`binary` (raw bytes).
    Binary,
    /// `string`/`byte` (bytes carried as base64 text; 3.1's `contentEncoding: base64`).
    Base64,
    /// Any JSON value (a schema the generator could not type more precisely).
    Json,
    /// A named type.
    Named(TypeId),
    /// `array`.
    Vec(Box<TypeRef>),
    /// `object` with only `additionalProperties`.
    Map(Box<TypeRef>),
    /// `array` with `prefixItems` and no further items: a fixed-length, heterogeneous tuple.
    Tuple(Vec<TypeRef>),
}

impl TypeRef {
    /// The type references directly inside this one: the items of a `Vec`, the values of a
    /// `Map`, the elements of a `Tuple`. Walks over types recurse through these.
    pub fn parts(&self) -> &[TypeRef] {
        match self {
            TypeRef::Vec(inner) | TypeRef::Map(inner) => std::slice::from_ref(inner.as_ref()),
            TypeRef::Tuple(elements) => elements,
            _ => &[],
        }
    }

    /// [`Self::parts`], mutably.
    pub fn parts_mut(&mut self) -> &mut [TypeRef] {
        match self {
            TypeRef::Vec(inner) | TypeRef::Map(inner) => std::slice::from_mut(inner.as_mut()),
            TypeRef::Tuple(elements) => elements,
            _ => &mut [],
        }
    }
}

/// Integer widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntWidth {
    /// int32
    I32,
    /// int64 (and unspecified)
    I64,
    /// uint32
    U32,
    /// uint64
    U64,
}

/// A tag: one API module with its operations.
#[derive(Debug, Clone)]
pub struct Tag {
    /// Tag name (rust: the client accessor and the module under `apis::`).
    pub name: Name,
    /// Rust name of the tag's API struct.
    pub api_type: String,
    /// Description from the `tags` list.
    pub docs: Docs,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
    /// Rust name of the tag's accessor on the mock server (feature `mock`); set by naming.
    pub mock_accessor: String,
    /// Rust name of the tag's expectation factory in the `mock` module; set by naming.
    pub mock_type: String,
}

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in the order OpenAPI (and openapiv3) lists a path item's operations.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The key of a path item that holds this method's operation (`get`).
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// Upper-case method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

impl Operation {
    /// The types the client sends for this operation: parameters, then the request body.
    pub fn sent_types(&self) -> impl Iterator<Item = &TypeRef> {
        self.params.iter().map(|p| &p.ty).chain(self.body.as_ref().map(|b| &b.ty))
    }

    /// The types the client receives: success bodies, then the page item.
    pub fn received_types(&self) -> impl Iterator<Item = &TypeRef> {
        self.success.iter().filter_map(|s| s.ty.as_ref()).chain(self.pagination.as_ref().map(|p| &p.item))
    }

    /// The body types of the declared error responses.
    pub fn error_types(&self) -> impl Iterator<Item = &TypeRef> {
        self.errors.iter().filter_map(|e| e.ty.as_ref())
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// operationId (or synthesized from method and path); rust = method name on the tag API.
    pub name: Name,
    /// Builder type name (rust only).
    pub builder: Name,
    /// Name of the enum `send()` returns when success statuses carry different body shapes
    /// (rust only; set by naming for every operation, used only by those).
    pub response_enum: Name,
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/customer/{id}`.
    pub path: String,
    /// Index into [`Api::servers`].
    pub server: usize,
    /// Documentation.
    pub docs: Docs,
    /// Parameters, path first then query, header, cookie, each in spec order.
    pub params: Vec<Param>,
    /// Request body, if any.
    pub body: Option<Body>,
    /// Success responses (2xx/3xx), in status order.
    pub success: Vec<SuccessResponse>,
    /// Error responses declared in the spec (4xx, 5xx, and `default` beside a success), in
    /// spec order: documentation, and the bodies a mock may send for them.
    pub errors: Vec<ErrorResponse>,
    /// Pagination, when the operation is a paginated list (`x-pagination`).
    pub pagination: Option<Pagination>,
    /// Typed query support: index into [`Api::query_vocabularies`].
    pub query_vocabulary: Option<usize>,
    /// OAuth2 scopes required.
    pub scopes: Vec<String>,
    /// Rust name of the operation's marker type in the `mock` module (feature `mock`); set by
    /// naming.
    pub mock_marker: String,
}

/// A webhook (OpenAPI 3.1 `webhooks`): a request the API sends to the user's server. The
/// client never sends or receives it; its payload types are generated so that a receiver can
/// decode them.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Webhook name (wire: its key under `webhooks`; rust: the payload's alias in the crate's
    /// `webhooks` module).
    pub name: Name,
    /// HTTP method of the request the API sends.
    pub method: Method,
    /// Documentation of the webhook's operation.
    pub docs: Docs,
    /// The request body the API sends, if any.
    pub body: Option<Body>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// Role a query parameter plays in the typed query vocabulary (`x-query-role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryRole {
    /// Eager loading of relations.
    With,
    /// Partial responses: the fields to return.
    Show,
    /// Counts of to-many relations.
    Count,
    /// Sort order.
    OrderBy,
    /// Filter expression.
    Filter,
    /// Page size.
    Limit,
    /// Records to skip.
    Offset,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Parameter name (wire) and builder method / argument name (rust).
    pub name: Name,
    /// Location.
    pub location: ParamLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Required.
    pub required: bool,
    /// For arrays in the query: repeat the key per item (`explode`), else join the items with
    /// [`Self::delimiter`] (which paths, headers and cookies always do).
    pub explode: bool,
    /// What joins the items of an array value that is not exploded.
    pub delimiter: Delimiter,
    /// Documentation.
    pub docs: Docs,
    /// Typed-query role (`x-query-role`).
    pub role: Option<QueryRole>,
    /// Rust name of the raw-string setter that typed-query parameters also get.
    pub raw_setter: String,
    /// Rust name of the mock's matcher for this parameter (`with_<param>`); set by naming.
    pub mock_matcher: String,
    /// Rust name of the mock's substring matcher (`<param>_contains`), which filter
    /// parameters get; set by naming for those.
    pub mock_contains: String,
}

/// What joins the items of an array sent as one value: OpenAPI's `form`/`simple` (`,`),
/// `spaceDelimited`, `pipeDelimited`, and Swagger 2.0's `tsv` (`x-collectionFormat`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Delimiter {
    /// `a,b` (csv).
    #[default]
    Comma,
    /// `a b` (ssv, `spaceDelimited`).
    Space,
    /// `a|b` (pipes, `pipeDelimited`).
    Pipe,
    /// `a<TAB>b` (tsv).
    Tab,
}

impl Delimiter {
    /// The separator as text.
    pub fn as_str(self) -> &'static str {
        match self {
            Delimiter::Comma => ",",
            Delimiter::Space => " ",
            Delimiter::Pipe => "|",
            Delimiter::Tab => "\t",
        }
    }
}

/// Request body encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Any other media type, sent as raw bytes.
    Bytes,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Media type as declared.
    pub media_type: String,
    /// Encoding.
    pub encoding: BodyEncoding,
    /// Type of the body value.
    pub ty: TypeRef,
    /// Form and multipart fields (wire names) whose array values are sent as one value joined
    /// with the delimiter; other array fields repeat the field once per item.
    pub joined: Vec<(String, Delimiter)>,
    /// Required.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
}

/// A success response.
#[derive(Debug, Clone)]
pub struct SuccessResponse {
    /// Status code (`200`, `2XX`).
    pub status: String,
    /// Body type; `None` when the response has no (JSON) body.
    pub ty: Option<TypeRef>,
    /// Response description.
    pub description: Option<String>,
    /// Variant of the operation's response enum for this status (set by naming).
    pub variant: String,
}

/// An error response.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// Status code (`404`, `4XX`, `default`).
    pub status: String,
    /// Body type; `None` when the response has no (JSON) body.
    pub ty: Option<TypeRef>,
}

/// Offset pagination of a list operation (`x-pagination`).
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Index into [`Api::page_layouts`].
    pub layout: usize,
    /// Item type.
    pub item: TypeRef,
    /// Wire name of the limit parameter.
    pub limit_param: String,
    /// Wire name of the offset parameter.
    pub offset_param: String,
}

/// Where the items and the total sit in a page body.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLayout {
    /// Marker type name (rust only).
    pub name: Name,
    /// Top-level key of the items array.
    pub items_key: String,
    /// Top-level key of the total count, if any.
    pub total_key: Option<String>,
}

/// Typed vocabulary of a resource (`x-query`).
#[derive(Debug, Clone)]
pub struct QueryVocabulary {
    /// Resource name (wire) and prefix for the generated enums (rust).
    pub resource: Name,
    /// The full response type.
    pub full_type: TypeId,
    /// The partial counterpart (every field optional), for `show`.
    pub partial_type: TypeId,
    /// Fields usable in show / order-by / filter.
    pub fields: Vec<Name>,
    /// Relations usable in with.
    pub relations: Vec<Name>,
    /// Relations usable in count.
    pub countable: Vec<Name>,
    /// Rust names of the three generated enums: fields, relations, countable.
    pub enum_names: [String; 3],
}

/// Filter syntax (`x-filter`).
#[derive(Debug, Clone, PartialEq)]
pub struct FilterSyntax {
    /// Template of one condition with `{field}`, `{operator}`, `{value}`.
    pub condition: String,
    /// Joiner for conjunction.
    pub and: String,
    /// Joiner for disjunction.
    pub or: String,
    /// Group opener.
    pub group_open: String,
    /// Group closer.
    pub group_close: String,
    /// Separator of list values.
    pub list_separator: String,
    /// Escape prefix for special characters in values.
    pub escape: String,
    /// Operators (wire) with their Rust method names.
    pub operators: Vec<Name>,
    /// Operators whose value is a list (joined with `list_separator`).
    pub list_operators: Vec<String>,
}

impl FilterSyntax {
    /// Whether `operator` takes a list of values.
    pub fn list_operator(&self, operator: &str) -> bool {
        self.list_operators.iter().any(|o| o == operator)
    }
}

/// Sort syntax (`x-sort`).
#[derive(Debug, Clone, PartialEq)]
pub struct SortSyntax {
    /// Template with `{field}` and `{direction}`.
    pub format: String,
    /// Ascending token.
    pub asc: String,
    /// Descending token.
    pub desc: String,
}

/// Rate-limit conventions (`x-rate-limit`); defaults are the common `X-RateLimit-*` headers.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitConfig {
    /// Header carrying the limit.
    pub limit_header: String,
    /// Header carrying the remaining requests.
    pub remaining_header: String,
    /// Requests allowed per window, for the client-side limiter.
    pub requests: u32,
    /// Window length in seconds.
    pub window_seconds: u32,
}

/// OAuth2 authorization-code flow.
#[derive(Debug, Clone)]
pub struct OAuth2 {
    /// Authorization URL.
    pub authorization_url: String,
    /// Token URL.
    pub token_url: String,
    /// Refresh URL (defaults to the token URL).
    pub refresh_url: String,
    /// Scopes: wire value, Rust variant name, description.
    pub scopes: IndexMap<String, (Name, String)>,
}
