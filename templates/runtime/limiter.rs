//! Client-side rate limiter: at most N requests per sliding window.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A sliding-window limiter shared by all clones of a client.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: usize,
    window: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    /// Allows `requests` per `window`.
    pub fn new(requests: u32, window: Duration) -> Self {
        RateLimiter { capacity: requests.max(1) as usize, window, sent: Mutex::new(VecDeque::new()) }
    }

    /// Waits until one more request fits in the window, then records it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().await;
                let now = Instant::now();
                while sent.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
                    sent.pop_front();
                }
                if sent.len() < self.capacity {
                    sent.push_back(now);
                    return;
                }
                sent.front().map(|t| self.window.saturating_sub(now.duration_since(*t))).unwrap_or_default()
            };
            tokio::time::sleep(wait).await;
        }
    }
}
