//! Retry policy: which failures are retried, how often, and how long to wait.

use std::time::Duration;

/// How the client retries. Never re-sends a non-idempotent request that may have reached
/// the server; see [`crate::runtime::client`] for the exact rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after transient failures (connection errors, 502/503/504), per request.
    pub max_retries: u32,
    /// First backoff delay; doubles per attempt, with full jitter.
    pub base_delay: Duration,
    /// Upper bound of one backoff delay.
    pub max_delay: Duration,
    /// Total time a request may spend waiting on 429 responses before the error is returned.
    pub rate_limit_budget: Duration,
    /// Wait used on 429 when the server sends no `Retry-After` (the rate-limit window).
    pub rate_limit_window: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            rate_limit_budget: Duration::from_secs(120),
            rate_limit_window: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all, and no waiting on 429.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, rate_limit_budget: Duration::ZERO, ..Self::default() }
    }

    /// Backoff before retry number `attempt` (1-based): full jitter over an exponential cap.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX));
        let cap = exp.min(self.max_delay);
        let nanos = cap.as_nanos().min(u64::MAX as u128) as u64;
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % nanos + 1)
    }
}

fn random_u64() -> u64 {
    let mut buf = [0u8; 8];
    // Jitter needs no cryptographic quality; fall back to the clock if the OS refuses.
    if getrandom::fill(&mut buf).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        return t.subsec_nanos() as u64 ^ t.as_secs();
    }
    u64::from_le_bytes(buf)
}
