//! When to send: the recipient's clock when an introduction went out (weekday and hour in their time
//! zone) and how far their renewal was, the reply rates by each, and a suggested send time once there is
//! enough data to make one. Pure: the caller brings the counts and the clock.

use jiff::tz::TimeZone;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::estimate::{Counts, Posterior};
use super::insights::{pct, thousands, Estimate};
use crate::domain::BuyingStyle;

/// Monday first, as `sent_weekday` counts (0 = Monday).
pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/// Bands of the recipient's hour: `(first hour, first hour after, key)`.
pub const HOUR_BANDS: [(u8, u8, &str); 5] = [
    (0, 9, "before 9:00"),
    (9, 12, "9:00-12:00"),
    (12, 14, "12:00-14:00"),
    (14, 17, "14:00-17:00"),
    (17, 24, "after 17:00"),
];
/// Bands of days before renewal: `(at most, key)`; beyond the last, [`RENEWAL_FAR`].
pub const RENEWAL_BANDS: [(i64, &str); 3] = [(30, "0-30"), (90, "31-90"), (180, "91-180")];
pub const RENEWAL_FAR: &str = "181+";
/// Renewal date already passed when the introduction went out.
pub const RENEWAL_PAST: &str = "past";
/// No renewal date known.
pub const RENEWAL_NONE: &str = "none";
/// Introductions with a known recipient time the workspace needs before any send time is suggested.
pub const MIN_TIMED: u32 = 40;
/// Introductions a weekday or an hour band needs before it can be suggested.
pub const MIN_BUCKET: u32 = 8;
/// How much better than the rest a bucket must do to be named: a tenth, so that with many introductions a
/// trivial difference is not presented as a finding.
pub const MIN_LIFT: f64 = 1.1;
/// How strongly a bucket's estimate leans on the workspace's overall reply rate (in introductions).
const PRIOR_WEIGHT: f64 = 4.0;

/// The recipient's clock and situation when an introduction goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendMoment {
    /// 0 = Monday; `None` when no time zone is known.
    pub weekday: Option<u8>,
    pub hour: Option<u8>,
    pub days_to_renewal: Option<i64>,
    pub style: BuyingStyle,
}

/// The moment of a send at `at` to a recipient in `zone` (the contact's, else the customer's).
pub fn moment(at: OffsetDateTime, zone: Option<&str>, renewal: Option<Date>, style: BuyingStyle) -> SendMoment {
    let local = zone.and_then(|z| local_time(at, z));
    SendMoment {
        weekday: local.map(|(w, _)| w),
        hour: local.map(|(_, h)| h),
        days_to_renewal: renewal.map(|r| (r - at.date()).whole_days()),
        style,
    }
}

/// Weekday (0 = Monday) and hour of `at` in the IANA zone `zone`.
pub fn local_time(at: OffsetDateTime, zone: &str) -> Option<(u8, u8)> {
    let tz = TimeZone::get(zone).ok()?;
    let zoned = jiff::Timestamp::from_second(at.unix_timestamp()).ok()?.to_zoned(tz);
    Some((u8::try_from(zoned.weekday().to_monday_zero_offset()).ok()?, u8::try_from(zoned.hour()).ok()?))
}

/// The band of an hour, as an index into [`HOUR_BANDS`].
pub fn hour_band(hour: u8) -> usize {
    HOUR_BANDS.iter().position(|(from, to, _)| (*from..*to).contains(&hour)).unwrap_or(HOUR_BANDS.len() - 1)
}

/// The band of a number of days before renewal.
pub fn renewal_band(days: Option<i64>) -> &'static str {
    match days {
        None => RENEWAL_NONE,
        Some(d) if d < 0 => RENEWAL_PAST,
        Some(d) => RENEWAL_BANDS.iter().find(|(max, _)| d <= *max).map_or(RENEWAL_FAR, |(_, name)| name),
    }
}

/// The outcome counts of the introductions sent at one weekday and hour of the recipient (`None`: their
/// time zone was unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct ClockCounts {
    pub weekday: Option<u8>,
    pub hour: Option<u8>,
    pub counts: Counts,
}

/// The outcome counts of the introductions sent a number of days before renewal (`None`: no date).
#[derive(Debug, Clone, PartialEq)]
pub struct RenewalCounts {
    pub days: Option<i64>,
    pub counts: Counts,
}

/// One bucket: its introductions and the estimated reply and positive-reply rates.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Bucket {
    /// `Tuesday`, `9:00-12:00`, `31-90`…
    pub key: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// Replies from a person per introduction with an outcome, shrunk toward the workspace's rate.
    pub reply_rate: Estimate,
    pub positive_rate: Estimate,
}

/// A suggested send time: the hours (and, when one stands out, the weekday) with the best positive-reply
/// rate on the recipient's clock.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// The weekday to send on, when one stands out (else any working day).
    pub weekday: Option<String>,
    /// The band of the recipient's hour, e.g. `9:00-12:00`.
    pub hours: String,
    /// The hour (recipient's time) the suggested instants use: the band's start, and 8:00 for `before 9:00`.
    pub hour: u8,
    /// Why, in a sentence quoting the counts.
    pub reason: String,
}

/// A suggested send time for one draft's recipient (`GET /api/drafts/:id/send-time`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SendTime {
    /// The next instant in the suggested window, at least an hour from now, on the recipient's clock;
    /// `null` when there is no suggestion yet or the recipient's time zone is unknown.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>)]
    pub send_at: Option<OffsetDateTime>,
    /// The recipient's IANA time zone (the contact's, else the customer's).
    pub time_zone: Option<String>,
    pub suggestion: Option<Suggestion>,
    /// Why, or why not.
    pub reason: String,
}

/// The send time for a recipient in `zone` (if known) of a workspace whose timing insights are `insights`.
pub fn send_time(insights: &TimingInsights, zone: Option<String>, company: &str, now: OffsetDateTime) -> SendTime {
    let (send_at, reason) = match (&insights.suggestion, &zone) {
        (None, _) => (None, insights.summary.first().cloned().unwrap_or_default()),
        (Some(_), None) => (
            None,
            format!(
                "The recipient's time zone is unknown: set one on {company} or the contact to get a suggested time."
            ),
        ),
        (Some(s), Some(z)) => (next_send_at(now + time::Duration::hours(1), z, s), s.reason.clone()),
    };
    SendTime { send_at, time_zone: zone, suggestion: insights.suggestion.clone(), reason }
}

/// `GET /api/insights/timing`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TimingInsights {
    /// Introductions with an outcome.
    pub outcomes: u32,
    /// Of those, sent to a recipient whose time zone was known.
    pub timed: u32,
    /// Introductions with a known recipient time needed before a send time is suggested.
    pub min_timed: u32,
    /// Introductions a weekday or an hour band needs before it is suggested.
    pub min_bucket: u32,
    pub interval: f64,
    /// Monday to Sunday, in the recipient's time.
    pub by_weekday: Vec<Bucket>,
    /// Bands of the recipient's hour.
    pub by_hour: Vec<Bucket>,
    /// Days before renewal when the introduction went out: `0-30`, `31-90`, `91-180`, `181+`, `past`, `none`.
    pub by_renewal: Vec<Bucket>,
    /// `null` until there is enough data; see `summary`.
    pub suggestion: Option<Suggestion>,
    pub summary: Vec<String>,
}

fn bucket(key: &str, counts: Counts, overall: (f64, f64)) -> Bucket {
    Bucket {
        key: key.to_string(),
        counts,
        reply_rate: Estimate::of(Posterior::from_prior(overall.0, PRIOR_WEIGHT, counts.replied, counts.sent)),
        positive_rate: Estimate::of(Posterior::from_prior(overall.1, PRIOR_WEIGHT, counts.positive, counts.sent)),
    }
}

/// The bucket with the highest estimated positive-reply rate among those with enough introductions. A
/// "no thanks" is a reply too: the suggestion follows the replies that move the conversation on.
fn best(buckets: &[Bucket]) -> Option<&Bucket> {
    buckets
        .iter()
        .filter(|b| b.counts.sent >= MIN_BUCKET)
        .max_by(|a, b| a.positive_rate.mean.total_cmp(&b.positive_rate.mean))
}

/// Whether a bucket's positive-reply rate stands out from the rest of its kind: its likely range lies
/// above the others' mean, and it beats that mean by [`MIN_LIFT`].
fn stands_out(best: &Bucket, all: &[Bucket]) -> (bool, u32, u32) {
    let (mut positive, mut sent) = (0, 0);
    for b in all.iter().filter(|b| b.key != best.key) {
        positive += b.counts.positive;
        sent += b.counts.sent;
    }
    let rest = if sent == 0 { 0.0 } else { f64::from(positive) / f64::from(sent) };
    (sent > 0 && best.positive_rate.low > rest && best.positive_rate.mean >= rest * MIN_LIFT, positive, sent)
}

fn clause(b: &Bucket, what: &str, rest: (u32, u32), others: &str) -> String {
    let mut s = format!(
        "{what} {} of {} introductions got a positive reply ({}, likely between {} and {})",
        thousands(b.counts.positive),
        thousands(b.counts.sent),
        pct(b.positive_rate.mean),
        pct(b.positive_rate.low),
        pct(b.positive_rate.high)
    );
    if rest.1 > 0 {
        s.push_str(&format!(", against {} of {} {others}", thousands(rest.0), thousands(rest.1)));
    }
    s
}

/// The timing insights of a workspace's counts by the recipient's clock and by days to renewal.
pub fn insights(clock: &[ClockCounts], renewal: &[RenewalCounts]) -> TimingInsights {
    let mut total = Counts::default();
    let mut timed = Counts::default();
    let mut weekdays = [Counts::default(); 7];
    let mut hours = [Counts::default(); HOUR_BANDS.len()];
    let renewal_keys = RENEWAL_BANDS.iter().map(|(_, k)| *k).chain([RENEWAL_FAR, RENEWAL_PAST, RENEWAL_NONE]);
    let mut renewals: Vec<(&str, Counts)> = renewal_keys.map(|k| (k, Counts::default())).collect();
    for r in clock {
        total.add(&r.counts);
        if let (Some(w), Some(h)) = (r.weekday, r.hour) {
            timed.add(&r.counts);
            if let Some(c) = weekdays.get_mut(usize::from(w)) {
                c.add(&r.counts);
            }
            hours[hour_band(h)].add(&r.counts);
        }
    }
    for r in renewal {
        let band = renewal_band(r.days);
        if let Some((_, c)) = renewals.iter_mut().find(|(k, _)| *k == band) {
            c.add(&r.counts);
        }
    }
    let rate = |s: u32, n: u32| (f64::from(s) + 1.0) / (f64::from(n) + 2.0);
    let overall = (rate(total.replied, total.sent), rate(total.positive, total.sent));
    let by_weekday: Vec<Bucket> = WEEKDAYS.iter().zip(weekdays).map(|(k, c)| bucket(k, c, overall)).collect();
    let by_hour: Vec<Bucket> = HOUR_BANDS.iter().zip(hours).map(|((_, _, k), c)| bucket(k, c, overall)).collect();
    let by_renewal: Vec<Bucket> =
        renewals.into_iter().filter(|(_, c)| c.sent > 0).map(|(k, c)| bucket(k, c, overall)).collect();

    let mut summary = Vec::new();
    let suggestion = if timed.sent < MIN_TIMED {
        summary.push(format!(
            "Not enough data yet to suggest a send time: {} introduction{} with a known recipient time zone had an \
             outcome, and a suggestion needs {MIN_TIMED}. Set time zones on customers or contacts so that every \
             introduction counts.",
            timed.sent,
            if timed.sent == 1 { "" } else { "s" }
        ));
        None
    } else {
        let hour = best(&by_hour);
        let day = best(&by_weekday);
        match hour {
            None => {
                summary.push(format!(
                    "Not enough data yet to suggest a send time: no band of hours has {MIN_BUCKET} introductions."
                ));
                None
            }
            Some(h) => {
                let (hour_clear, hr, hs) = stands_out(h, &by_hour);
                let mut reason = clause(h, &format!("{} their time,", hours_words(&h.key)), (hr, hs), "at other hours");
                let weekday = day.and_then(|d| {
                    let (clear, dr, ds) = stands_out(d, &by_weekday);
                    clear.then(|| {
                        reason.push_str(&format!(
                            "; {}",
                            lowercase_on(&clause(d, &format!("On {}s,", d.key), (dr, ds), "on other days"))
                        ));
                        d.key.clone()
                    })
                });
                reason.push('.');
                if !hour_clear {
                    reason.push_str(
                        " The difference is small or not yet sure; the suggestion firms up with every reply.",
                    );
                }
                let start = HOUR_BANDS.iter().find(|(_, _, k)| *k == h.key).map_or(9, |(from, _, _)| *from);
                Some(Suggestion { weekday, hours: h.key.clone(), hour: start.max(8), reason })
            }
        }
    };
    if let Some(s) = &suggestion {
        summary.push(format!(
            "Suggested send time: {}{} in the recipient's time zone. {}",
            s.weekday.as_deref().map(|d| format!("{d}, ")).unwrap_or_default(),
            s.hours,
            s.reason
        ));
    }
    let windows: Vec<&Bucket> = by_renewal.iter().filter(|b| b.counts.sent >= MIN_BUCKET).collect();
    if let (Some(r), true) = (best(&by_renewal), windows.len() > 1) {
        summary.push(format!(
            "By renewal: {} of {} introductions sent {} got a positive reply ({}), the best of {} renewal windows.",
            thousands(r.counts.positive),
            thousands(r.counts.sent),
            renewal_words(&r.key),
            pct(r.positive_rate.mean),
            windows.len()
        ));
    }
    TimingInsights {
        outcomes: total.sent,
        timed: timed.sent,
        min_timed: MIN_TIMED,
        min_bucket: MIN_BUCKET,
        interval: super::insights::INTERVAL,
        by_weekday,
        by_hour,
        by_renewal,
        suggestion,
        summary,
    }
}

/// A band of hours in a sentence: "Between 9:00 and 12:00", "Before 9:00", "After 17:00".
fn hours_words(key: &str) -> String {
    match key.split_once('-') {
        Some((from, to)) => format!("Between {from} and {to}"),
        None => crate::domain::capitalize_first(key),
    }
}

fn lowercase_on(s: &str) -> String {
    crate::domain::lowercase_first(s)
}

fn renewal_words(key: &str) -> String {
    match key {
        RENEWAL_PAST => "after the renewal date".into(),
        RENEWAL_NONE => "with no renewal date".into(),
        RENEWAL_FAR => "more than 180 days before renewal".into(),
        band => format!("{} days before renewal", band.replace('-', " to ")),
    }
}

/// An instant as the recipient reads it: "Thursday 26 November, 9:00".
pub fn local_words(at: OffsetDateTime, zone: &str) -> Option<String> {
    let tz = TimeZone::get(zone).ok()?;
    let zoned = jiff::Timestamp::from_second(at.unix_timestamp()).ok()?.to_zoned(tz);
    Some(zoned.strftime("%A %-d %B, %-H:%M").to_string())
}

/// The next instant at or after `earliest` that falls in the suggestion (its weekday, if any, else
/// Monday to Friday; at its hour) in the time zone `zone`. `None` when the zone is unknown.
pub fn next_send_at(earliest: OffsetDateTime, zone: &str, suggestion: &Suggestion) -> Option<OffsetDateTime> {
    let tz = TimeZone::get(zone).ok()?;
    let start = jiff::Timestamp::from_second(earliest.unix_timestamp()).ok()?.to_zoned(tz.clone());
    let wanted = suggestion.weekday.as_deref().and_then(|d| WEEKDAYS.iter().position(|w| *w == d));
    for offset in 0..15 {
        let day = start.date().checked_add(jiff::Span::new().days(offset)).ok()?;
        let weekday = usize::try_from(day.weekday().to_monday_zero_offset()).ok()?;
        let fits = match wanted {
            Some(w) => w == weekday,
            None => weekday < 5,
        };
        if !fits {
            continue;
        }
        let at = day.at(i8::try_from(suggestion.hour).ok()?, 0, 0, 0).to_zoned(tz.clone()).ok()?;
        if at.timestamp() >= start.timestamp() {
            return OffsetDateTime::from_unix_timestamp(at.timestamp().as_second()).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn row(weekday: u8, hour: u8, sent: u32, positive: u32) -> ClockCounts {
        ClockCounts {
            weekday: Some(weekday),
            hour: Some(hour),
            counts: Counts { sent, replied: sent.min(positive + 2), positive, ..Counts::default() },
        }
    }

    #[test]
    fn the_recipients_clock_follows_their_zone_and_daylight_saving() {
        // 14:30 UTC on Tuesday 2026-03-10: New York is on daylight time (UTC-4) since the 8th, Berlin
        // not yet (UTC+1), Tokyo is already Wednesday.
        let at = datetime!(2026-03-10 14:30 UTC);
        assert_eq!(local_time(at, "America/New_York"), Some((1, 10)));
        assert_eq!(local_time(at, "Europe/Berlin"), Some((1, 15)));
        assert_eq!(local_time(datetime!(2026-03-10 16:00 UTC), "Asia/Tokyo"), Some((2, 1)));
        assert_eq!(local_time(at, "Mars/Olympus"), None);
        let m = moment(at, Some("America/New_York"), Some(time::macros::date!(2026 - 04 - 09)), BuyingStyle::Driver);
        assert_eq!(
            m,
            SendMoment { weekday: Some(1), hour: Some(10), days_to_renewal: Some(30), style: BuyingStyle::Driver }
        );
        assert_eq!(moment(at, None, None, BuyingStyle::Unknown).weekday, None);
    }

    #[test]
    fn bands_cover_every_hour_and_renewal() {
        assert_eq!(
            (hour_band(0), hour_band(8), hour_band(9), hour_band(13), hour_band(16), hour_band(23)),
            (0, 0, 1, 2, 3, 4)
        );
        assert_eq!(renewal_band(Some(0)), "0-30");
        assert_eq!(renewal_band(Some(31)), "31-90");
        assert_eq!(renewal_band(Some(400)), "181+");
        assert_eq!(renewal_band(Some(-3)), "past");
        assert_eq!(renewal_band(None), "none");
    }

    #[test]
    fn no_suggestion_below_the_minimum() {
        let i = insights(&[row(1, 10, 20, 10), row(3, 15, 10, 1)], &[]);
        assert_eq!((i.outcomes, i.timed), (30, 30));
        assert!(i.suggestion.is_none());
        assert!(
            i.summary[0].starts_with("Not enough data yet to suggest a send time: 30 introductions"),
            "{:?}",
            i.summary
        );
        // The counts are still reported.
        assert_eq!(i.by_weekday[1].counts.sent, 20);
        assert_eq!(i.by_hour[1].counts.positive, 10);
    }

    #[test]
    fn a_clear_morning_and_weekday_are_suggested_with_their_counts() {
        let rows = [row(1, 10, 30, 18), row(1, 15, 10, 2), row(3, 15, 20, 3), row(4, 19, 10, 1), row(2, 10, 10, 5)];
        let i = insights(&rows, &[]);
        let s = i.suggestion.expect("enough data");
        assert_eq!((s.weekday.as_deref(), s.hours.as_str(), s.hour), (Some("Tuesday"), "9:00-12:00", 9));
        assert!(
            s.reason.starts_with("Between 9:00 and 12:00 their time, 23 of 40 introductions got a positive reply"),
            "{}",
            s.reason
        );
        assert!(s.reason.contains("against 6 of 40 at other hours"), "{}", s.reason);
        assert!(s.reason.contains("on Tuesdays, 20 of 40"), "{}", s.reason);
        assert!(i.summary[0].starts_with("Suggested send time: Tuesday, 9:00-12:00"), "{:?}", i.summary);
    }

    #[test]
    fn an_unsure_difference_is_said_and_no_weekday_is_forced() {
        let rows = [row(0, 10, 12, 4), row(1, 15, 12, 3), row(2, 10, 12, 3), row(3, 15, 12, 3)];
        let s = insights(&rows, &[]).suggestion.expect("enough data");
        assert_eq!(s.weekday, None);
        assert!(s.reason.ends_with("small or not yet sure; the suggestion firms up with every reply."), "{}", s.reason);
    }

    #[test]
    fn a_drafts_send_time_says_why_when_it_has_none() {
        let now = datetime!(2026-11-25 09:00 UTC);
        let enough = insights(&[row(1, 10, 30, 18), row(1, 15, 10, 2), row(3, 15, 20, 3), row(4, 19, 10, 1)], &[]);
        let reason = enough.suggestion.as_ref().expect("a suggestion").reason.clone();
        // Tuesday 9:00 in London, the first after an hour from now.
        let t = send_time(&enough, Some("Europe/London".into()), "Acme Corp", now);
        assert_eq!((t.send_at, t.reason.as_str()), (Some(datetime!(2026-12-01 09:00 UTC)), reason.as_str()));
        let t = send_time(&enough, None, "Acme Corp", now);
        assert_eq!(t.send_at, None);
        assert_eq!(
            t.reason,
            "The recipient's time zone is unknown: set one on Acme Corp or the contact to get a suggested time."
        );
        assert!(t.suggestion.is_some(), "the workspace's suggestion is still shown");
        let scarce = insights(&[row(1, 10, 20, 10)], &[]);
        let t = send_time(&scarce, Some("Europe/London".into()), "Acme Corp", now);
        assert_eq!((t.send_at, t.suggestion), (None, None));
        assert_eq!(t.reason, scarce.summary[0]);
    }

    #[test]
    fn the_next_send_time_lands_on_the_suggested_local_hour() {
        let s =
            Suggestion { weekday: Some("Tuesday".into()), hours: "9:00-12:00".into(), hour: 9, reason: String::new() };
        // Wednesday 2026-11-25 12:00 UTC: the next Tuesday 9:00 in New York (EST, UTC-5) is 14:00 UTC.
        let at = next_send_at(datetime!(2026-11-25 12:00 UTC), "America/New_York", &s).unwrap();
        assert_eq!(at, datetime!(2026-12-01 14:00 UTC));
        let any = Suggestion { weekday: None, ..s };
        // Friday 18:00 in Berlin: the next working day at 9:00 is Monday.
        let at = next_send_at(datetime!(2026-11-27 17:00 UTC), "Europe/Berlin", &any).unwrap();
        assert_eq!(at, datetime!(2026-11-30 08:00 UTC));
        assert_eq!(next_send_at(datetime!(2026-11-27 17:00 UTC), "Nowhere/Else", &any), None);
        assert_eq!(local_words(at, "Europe/Berlin").as_deref(), Some("Monday 30 November, 9:00"));
    }
}
