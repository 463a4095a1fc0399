//! `KeyringTokenStore` (feature `keyring`) against the real keyring of the machine running
//! the tests. On Linux that is the kernel's keyutils keyring, which some sandboxes (container
//! seccomp profiles) forbid: there the test checks that the store says so, naming the entry,
//! instead of pretending to keep tokens; everywhere else it saves, reads back, overwrites
//! and deletes a real entry.
//!
//! Hand-written: `tests/` is not owned by the generator.
#![cfg(feature = "keyring")]

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use cirqll::oauth::{OAuthSession, Secret, TokenSet, TokenStore};
use cirqll::runtime::auth::{KeyringTokenStore, TokenStoreErrorKind};

fn tokens(access: &str) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        refresh_token: Some(Secret::new("refresh-SECRET")),
        expires_at: Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
    }
}

#[tokio::test]
async fn tokens_round_trip_through_the_os_keyring_or_its_absence_is_reported() {
    let service = format!("cirqll-test-{}-{}", std::process::id(), UNIX_EPOCH.elapsed().unwrap().as_nanos());
    let store = KeyringTokenStore::new(&service, "tester");
    match store.write(&tokens("access-SECRET-1")) {
        Err(e) => {
            eprintln!("no usable OS keyring here; checked that the store reports it: {e}");
            assert!(matches!(e.kind, TokenStoreErrorKind::Backend(_)), "{e:?}");
            assert!(e.to_string().contains(&service) && e.to_string().contains("tester"), "{e}");
            assert!(!format!("{e} {e:?}").contains("SECRET"), "{e:?}");
            assert!(!matches!(store.read(), Ok(Some(_))), "a refused entry must not be read back");
        }
        Ok(()) => {
            assert_eq!(store.read().unwrap(), Some(tokens("access-SECRET-1")));
            // Through the trait, as a session uses it: overwrite, then resume from it.
            let shared: Arc<dyn TokenStore> = Arc::new(store.clone());
            shared.save(&tokens("access-SECRET-2")).await.unwrap();
            assert_eq!(shared.load().await.unwrap(), Some(tokens("access-SECRET-2")));
            let config = cirqll::oauth::config("7", None, "http://127.0.0.1/callback").unwrap();
            let session = OAuthSession::resume(config, shared).await.unwrap().expect("saved tokens");
            assert_eq!(session.tokens().await, tokens("access-SECRET-2"));
            assert!(!format!("{store:?} {session:?}").contains("SECRET"));
            store.delete().unwrap();
            assert_eq!(store.read().unwrap(), None);
            store.delete().unwrap();
        }
    }
}
