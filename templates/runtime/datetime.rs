//! Date-times as APIs really send them.
//!
//! Specs say `format: date-time` (RFC 3339), but many servers send `2024-05-18 13:38:35`
//! without a `T` or zone. [`DateTime`] accepts RFC 3339, the API's declared wire format
//! (`x-datetime-format`, as `crate::DATETIME_WIRE_FORMAT`), and the common ISO variants;
//! it remembers whether a zone was given and writes the value back the same way.

use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// A point in time, possibly without a zone (as the server sent it). Values order by
/// instant, taking values without zone as UTC.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl DateTime {
    /// A zoned date-time.
    pub fn from_chrono<Tz: TimeZone>(dt: chrono::DateTime<Tz>) -> Self {
        let fixed = dt.fixed_offset();
        DateTime { naive: fixed.naive_local(), offset: Some(*fixed.offset()) }
    }

    /// The current time in UTC.
    pub fn now_utc() -> Self {
        Self::from_chrono(Utc::now())
    }

    /// A local date-time without zone, written in the API's wire format.
    pub fn from_naive(naive: NaiveDateTime) -> Self {
        DateTime { naive, offset: None }
    }

    /// The wall-clock date and time as sent.
    pub fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// The zone offset, when the value carried one.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// As a zoned chrono value; a value without zone is taken to be in `assume`.
    pub fn with_default_offset(&self, assume: FixedOffset) -> chrono::DateTime<FixedOffset> {
        let offset = self.offset.unwrap_or(assume);
        offset.from_local_datetime(&self.naive).single().unwrap_or_else(|| offset.from_utc_datetime(&self.naive))
    }

    /// Parses any accepted format.
    pub fn parse(s: &str) -> Result<Self, ParseDateTimeError> {
        let s = s.trim();
        // The API's own format first: it is what real responses carry.
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, crate::DATETIME_WIRE_FORMAT) {
            return Ok(Self::from_naive(naive));
        }
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(Self::from_chrono(dt));
        }
        for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
                return Ok(Self::from_naive(naive));
            }
        }
        for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%d %H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
            if let Ok(dt) = chrono::DateTime::parse_from_str(s, format) {
                return Ok(Self::from_chrono(dt));
            }
        }
        // HTTP's format (`Sat, 18 May 2024 13:38:35 GMT`), which some frameworks emit.
        if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(s) {
            return Ok(Self::from_chrono(dt));
        }
        if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Self::from_naive(date.and_time(chrono::NaiveTime::MIN)));
        }
        Err(ParseDateTimeError(s.chars().take(64).collect()))
    }
}

impl DateTime {
    fn sort_key(&self) -> (NaiveDateTime, i32) {
        let secs = self.offset.map(|o| o.local_minus_utc()).unwrap_or(0);
        (self.naive - chrono::Duration::seconds(secs.into()), secs)
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key()).then(self.offset.is_some().cmp(&other.offset.is_some()))
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => {
                let dt = self.with_default_offset(offset);
                write!(f, "{}", dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }
            None => write!(f, "{}", self.naive.format(crate::DATETIME_WIRE_FORMAT)),
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(dt: chrono::DateTime<Tz>) -> Self {
        Self::from_chrono(dt)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateTime, E> {
                DateTime::parse(v).map_err(E::custom)
            }
        }
        de.deserialize_str(Visitor)
    }
}

/// A string that is not a date-time in any accepted format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateTimeError(String);

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date-time (expected RFC 3339 or `{}`)", self.0, crate::DATETIME_WIRE_FORMAT)
    }
}

impl std::error::Error for ParseDateTimeError {}
