//! Contract tests: every operation of `spec/cirqll.yaml` is called through the generated
//! client against Prism, an independent mock server driven by the same spec, with request
//! validation on. A request Prism rejects (it answers 422 with the violations) or a response
//! the client cannot decode fails the test. The test also checks it called every operation
//! the spec declares, so a new operation cannot go untested.
//!
//! Prism comes from npm (`@stoplight/prism-cli`); `cargo xtask test` installs it into
//! `.tools/`. Set `PRISM` to use another binary.
//!
//! Request bodies come from the spec's examples, decoded into the client's request types,
//! which implement `Deserialize` only with the `full-serde` feature. Without it (plain
//! `cargo test -p cirqll`) the operations that take a body are left out, and the test checks
//! that exactly those were; `cargo xtask test` runs it with `--all-features`, every
//! operation included.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cirqll::{Client, Error};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// A Prism process, killed on drop.
struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_prism() -> Prism {
    let bin = std::env::var_os("PRISM").map(PathBuf::from).unwrap_or_else(|| root().join(".tools/node_modules/.bin/prism"));
    assert!(bin.exists(), "Prism not found at {}: run `cargo xtask test` (it installs Prism) or set PRISM", bin.display());
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&bin)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
        .arg(root().join("spec/cirqll.yaml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting Prism");
    let prism = Prism { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "Prism did not start listening within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    prism
}

/// The example the spec gives for a component schema, decoded into the client's type.
#[cfg(feature = "full-serde")]
fn example<T: serde::de::DeserializeOwned>(spec: &serde_json::Value, schema: &str) -> T {
    let ex = spec.pointer(&format!("/components/schemas/{schema}/example")).unwrap_or_else(|| panic!("{schema} has no example"));
    serde_json::from_value(ex.clone()).unwrap_or_else(|e| panic!("example of {schema} does not decode: {e}"))
}

/// Operations the spec declares.
fn spec_operations(spec: &serde_json::Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for (k, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&k.as_str()) {
                ids.insert(op["operationId"].as_str().unwrap().to_owned());
            }
        }
    }
    ids
}

/// Operations that send a request body.
fn body_operations(spec: &serde_json::Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op.get("requestBody").is_some() {
                ids.insert(op["operationId"].as_str().unwrap().to_owned());
            }
        }
    }
    ids
}

/// Fails with Prism's explanation when the call did not succeed.
fn ok<T>(op: &str, called: &mut BTreeSet<String>, r: Result<cirqll::Response<T>, Error>) -> T {
    called.insert(op.to_owned());
    match r {
        Ok(r) => r.into_inner(),
        Err(Error::Api(e)) => panic!("{op}: Prism answered {} — {}", e.status, e.body),
        Err(e) => panic!("{op}: {e}"),
    }
}

macro_rules! crud {
    ($client:expr, $spec:expr, $called:expr, $res:literal, $api:ident, $store:ident, $update:ident, $field:ident) => {{
        let page = ok(concat!($res, "Index"), $called, $client.$api().index().limit(10).offset(0).send().await);
        assert!(!page.items.is_empty(), "{}: the example page has records", $res);
        let partial = ok(
            concat!($res, "Index"),
            $called,
            $client.$api().index().show([cirqll::query::$field::Id]).order_by(cirqll::query::$field::Id.desc()).send().await,
        );
        assert!(partial.items[0].id.is_some());
        let one = ok(concat!($res, "Show"), $called, $client.$api().show(1).send().await);
        assert!(one.id >= 1);
        #[cfg(feature = "full-serde")]
        {
            use cirqll::models::{$store, $update};
            let created = ok(concat!($res, "Create"), $called, $client.$api().create(&example::<$store>($spec, stringify!($store))).send().await);
            assert!(created.id >= 1);
            ok(concat!($res, "Update"), $called, $client.$api().update(1, &example::<$update>($spec, stringify!($update))).send().await);
        }
        ok(concat!($res, "Delete"), $called, $client.$api().delete(1).send().await);
    }};
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism() {
    let spec: serde_json::Value = serde_yaml::from_slice(&std::fs::read(root().join("spec/cirqll.yaml")).unwrap()).unwrap();
    let prism = start_prism();
    let client = Client::builder()
        .base_url(&prism.url)
        .server_url(1, &prism.url)
        .bearer_token("contract-test-token")
        .retry_policy(cirqll::RetryPolicy::none())
        .build()
        .unwrap();
    let called = &mut BTreeSet::new();
    let s = &spec;

    crud!(client, s, called, "user", user, UserRequestStore, UserRequestUpdate, UserField);
    crud!(client, s, called, "role", role, RoleRequestStore, RoleRequestUpdate, RoleField);
    crud!(client, s, called, "customer", customer, CustomerRequestStore, CustomerRequestUpdate, CustomerField);
    crud!(client, s, called, "contact", contact, ContactRequestStore, ContactRequestUpdate, ContactField);
    crud!(client, s, called, "task", task, TaskRequestStore, TaskRequestUpdate, TaskField);
    crud!(client, s, called, "appointment", appointment, AppointmentRequestStore, AppointmentRequestUpdate, AppointmentField);
    crud!(client, s, called, "chance", chance, ChanceRequestStore, ChanceRequestUpdate, ChanceField);
    crud!(client, s, called, "assignment", assignment, AssignmentRequestStore, AssignmentRequestUpdate, AssignmentField);
    crud!(client, s, called, "contract", contract, ContractRequestStore, ContractRequestUpdate, ContractField);
    crud!(client, s, called, "email", email, EmailRequestStore, EmailRequestUpdate, EmailField);
    crud!(client, s, called, "field", field, FieldRequestStore, FieldRequestUpdate, FieldField);
    crud!(client, s, called, "note", note, NoteRequestStore, NoteRequestUpdate, NoteField);
    crud!(client, s, called, "todo", todo, TodoRequestStore, TodoRequestUpdate, TodoField);
    crud!(client, s, called, "template", template, TemplateRequestStore, TemplateRequestUpdate, TemplateField);
    crud!(client, s, called, "webhook", webhook, WebhookRequestStore, WebhookRequestUpdate, WebhookField);

    let settings = ok("settingIndex", called, client.setting().index().send().await);
    assert!(!settings.items.is_empty());
    let me = ok("authMe", called, client.auth().me().send().await);
    assert!(!me.company.name.is_empty());
    let scopes = ok("oauth2Scopes", called, client.oauth2().scopes().send().await);
    assert!(!scopes.is_empty());
    #[cfg(feature = "full-serde")]
    {
        let body: cirqll::models::SettingsRequestStore = example(s, "SettingsRequestStore");
        ok("settingUpdate", called, client.setting().update(&body).send().await);
        let grant = cirqll::models::TokenRequest::AuthorizationCode(example(s, "TokenRequestAuthorizationCode"));
        let token = ok("oauth2Token", called, client.oauth2().token(&grant).send().await);
        assert!(!token.access_token.is_empty());
        let refresh = cirqll::models::TokenRequest::RefreshToken(example(s, "TokenRequestRefresh"));
        ok("oauth2Token", called, client.oauth2().token(&refresh).send().await);
    }
    ok(
        "oauth2Authorize",
        called,
        client
            .oauth2()
            .authorize("7", "https://app.example.com/oauth/callback", cirqll::models::Oauth2AuthorizeResponseType::Code)
            .state("xyz")
            .send()
            .await,
    );

    // Request validation is on: a request that breaks the spec (limit below its minimum,
    // a body without required fields) is refused, so the successes above mean something.
    // Prism answers with the operation's declared 4xx response (400 here, 422 for bodies).
    let refused = client.customer().index().limit(0).send().await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    let refused = client.customer().create(&Default::default()).send().await.unwrap_err();
    assert_eq!(refused.status(), Some(422), "{refused}");

    // Without `full-serde`, exactly the operations that take a body are left out.
    let left_out = if cfg!(feature = "full-serde") { BTreeSet::new() } else { body_operations(s) };
    assert!(called.is_disjoint(&left_out), "{:?}", called.intersection(&left_out).collect::<Vec<_>>());
    let missing: Vec<_> = spec_operations(s).difference(called).filter(|op| !left_out.contains(*op)).cloned().collect();
    assert!(missing.is_empty(), "operations in the spec that this test never called: {missing:?}");
    drop(prism);
}
