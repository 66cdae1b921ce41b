//! Return dates of out-of-office replies, read the way each language writes them: "07/12" is the 7th
//! of December in Europe and July 12th in the United States; "lundi 7 décembre", "7. Dezember",
//! "7 de dezembro", "il 7 dicembre"; ISO dates; "back on Monday". A weekday written beside a numeric
//! date settles which way round it is. Text is folded first (see `lexicon::fold`).

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Duration, Month, Weekday};

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("date pattern `{pattern}` is invalid: {e}"))
}

static ISO_DATE: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"));
static NUMERIC_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\b([a-z]{3,13})[,.]?\s+)?\b(\d{1,2})([./-])(\d{1,2})(?:[./-](\d{4}|\d{2})\b|\.)?"));
static MONTH_FIRST: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b([a-z]{3,10})\.? (\d{1,2})(?:st|nd|rd|th)?\b(?:,? (\d{4}))?"));
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(\d{1,2})(?:st|nd|rd|th|er|e|\.|o|º)? (?:de |di |of )?([a-z]{3,10})\.?(?:,? (?:de |del )?(\d{4}))?")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:back|return(?:ing)?|zuruck|wieder da|de retour|de vuelta|regreso|rientro|di ritorno|terug|de volta|retorno)\b[^.\n]{0,30}?\b(tomorrow|morgen|demain|manana|domani|amanha|monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|lunedi|martedi|mercoledi|giovedi|venerdi|maandag|dinsdag|woensdag|donderdag|vrijdag|segunda|terca|quarta|quinta|sexta)\b",
    )
});

fn month(name: &str) -> Option<Month> {
    let table: [(&[&str], Month); 12] = [
        (
            &["jan", "january", "januar", "janvier", "enero", "gennaio", "januari", "janeiro", "jänner", "janner"],
            Month::January,
        ),
        (
            &["feb", "february", "februar", "fevrier", "febrero", "febbraio", "februari", "fevereiro", "fev", "fevr"],
            Month::February,
        ),
        (&["mar", "march", "marz", "maerz", "mars", "marzo", "maart", "marco", "mrt"], Month::March),
        (&["apr", "april", "avril", "abril", "aprile", "abr"], Month::April),
        (&["may", "mai", "mayo", "maggio", "mei", "maio", "mag"], Month::May),
        (&["jun", "june", "juni", "juin", "junio", "giugno", "junho", "giu"], Month::June),
        (&["jul", "july", "juli", "juillet", "julio", "luglio", "julho", "lug", "juil"], Month::July),
        (&["aug", "august", "aout", "agosto", "augustus", "ago"], Month::August),
        (&["sep", "sept", "september", "septembre", "septiembre", "settembre", "setembro", "set"], Month::September),
        (&["oct", "october", "oktober", "octobre", "octubre", "ottobre", "outubro", "okt", "ott"], Month::October),
        (&["nov", "november", "novembre", "noviembre", "novembro"], Month::November),
        (
            &["dec", "december", "dezember", "decembre", "diciembre", "dicembre", "dezembro", "dez", "dic", "dez"],
            Month::December,
        ),
    ];
    table.iter().find(|(names, _)| names.contains(&name)).map(|(_, m)| *m)
}

fn weekday(name: &str) -> Option<Weekday> {
    let table: [(&[&str], Weekday); 7] = [
        (
            &["monday", "mon", "montag", "mo", "lundi", "lun", "lunes", "lunedi", "maandag", "ma", "segunda", "seg"],
            Weekday::Monday,
        ),
        (
            &[
                "tuesday", "tue", "tues", "dienstag", "di", "mardi", "mar", "martes", "martedi", "dinsdag", "terca",
                "ter",
            ],
            Weekday::Tuesday,
        ),
        (
            &[
                "wednesday",
                "wed",
                "mittwoch",
                "mi",
                "mercredi",
                "mer",
                "miercoles",
                "mercoledi",
                "woensdag",
                "wo",
                "quarta",
                "qua",
            ],
            Weekday::Wednesday,
        ),
        (
            &[
                "thursday",
                "thu",
                "thurs",
                "donnerstag",
                "do",
                "jeudi",
                "jeu",
                "jueves",
                "giovedi",
                "gio",
                "donderdag",
                "quinta",
                "qui",
            ],
            Weekday::Thursday,
        ),
        (
            &[
                "friday", "fri", "freitag", "fr", "vendredi", "ven", "viernes", "vie", "venerdi", "vrijdag", "vr",
                "sexta", "sex",
            ],
            Weekday::Friday,
        ),
        (&["saturday", "sat", "samstag", "sa", "samedi", "sabado", "sabato", "zaterdag", "za"], Weekday::Saturday),
        (&["sunday", "sun", "sonntag", "so", "dimanche", "domingo", "domenica", "zondag", "zo"], Weekday::Sunday),
    ];
    table.iter().find(|(names, _)| names.contains(&name)).map(|(_, d)| *d)
}

/// A date without a year is this year's, unless that is months past (then next year's): "back
/// January 8" written in November is next year, "out from 11/24" written on the 26th is this year.
fn dated(year: Option<i32>, month: Month, day: u8, received: Date) -> Option<Date> {
    match year {
        Some(y) => Date::from_calendar_date(if y < 100 { 2000 + y } else { y }, month, day).ok(),
        None => {
            let this = Date::from_calendar_date(received.year(), month, day).ok()?;
            if this >= received - Duration::days(60) {
                Some(this)
            } else {
                Date::from_calendar_date(received.year() + 1, month, day).ok()
            }
        }
    }
}

/// When only one reading of an ambiguous numeric date is within three months ahead (a return from
/// absence is), that one: `Some(true)` for day first.
fn nearer(a: u8, b: u8, year: Option<i32>, received: Date) -> Option<bool> {
    let soon = |d: Option<Date>| d.is_some_and(|d| d >= received && d <= received + Duration::days(92));
    let day_first = soon(Month::try_from(b).ok().and_then(|m| dated(year, m, a, received)));
    let month_first = soon(Month::try_from(a).ok().and_then(|m| dated(year, m, b, received)));
    (day_first != month_first).then_some(day_first)
}

/// The return date of an out-of-office reply in folded text: the latest date it mentions that is not
/// in the past. `day_first` is how the writer's language writes numeric dates (all but US English).
pub fn return_date(folded: &str, received: Date, day_first: bool) -> Option<Date> {
    let mut dates = Vec::new();
    for c in ISO_DATE.captures_iter(folded) {
        let (y, m, d) = (c[1].parse().ok(), c[2].parse::<u8>().ok(), c[3].parse::<u8>().ok());
        if let (Some(y), Some(m), Some(d)) = (y, m.and_then(|m| Month::try_from(m).ok()), d) {
            dates.extend(dated(Some(y), m, d, received));
        }
    }
    let without_iso = ISO_DATE.replace_all(folded, " ");
    for c in NUMERIC_DATE.captures_iter(&without_iso) {
        let (Ok(a), Ok(b)) = (c[2].parse::<u8>(), c[4].parse::<u8>()) else { continue };
        // "10:30" is a time, "1.5" a number: a date needs a separator of its kind and sensible parts.
        let year = c.get(5).and_then(|y| y.as_str().parse().ok());
        let sep = &c[3];
        if sep == "-" && year.is_none() {
            continue;
        }
        let named_day = c.get(1).and_then(|w| weekday(w.as_str()));
        let day_first_here = match (a > 12, b > 12) {
            (true, false) => true,
            (false, true) => false,
            _ => match named_day {
                // The weekday written beside it decides: "Monday 07/12" is the reading that is a Monday.
                Some(wd) => {
                    let df = Month::try_from(b).ok().and_then(|m| dated(year, m, a, received));
                    let mf = Month::try_from(a).ok().and_then(|m| dated(year, m, b, received));
                    match (df.map(|d| d.weekday() == wd), mf.map(|d| d.weekday() == wd)) {
                        (Some(true), Some(false) | None) => true,
                        (Some(false) | None, Some(true)) => false,
                        _ => nearer(a, b, year, received).unwrap_or(day_first || sep == "."),
                    }
                }
                None => nearer(a, b, year, received).unwrap_or(day_first || sep == "."),
            },
        };
        let (d, m) = if day_first_here { (a, b) } else { (b, a) };
        if let Ok(m) = Month::try_from(m) {
            dates.extend(dated(year, m, d, received));
        }
    }
    for c in MONTH_FIRST.captures_iter(folded) {
        if let (Some(m), Ok(d)) = (month(&c[1]), c[2].parse::<u8>()) {
            dates.extend(dated(c.get(3).and_then(|y| y.as_str().parse().ok()), m, d, received));
        }
    }
    for c in DAY_FIRST.captures_iter(folded) {
        if let (Ok(d), Some(m)) = (c[1].parse::<u8>(), month(&c[2])) {
            dates.extend(dated(c.get(3).and_then(|y| y.as_str().parse().ok()), m, d, received));
        }
    }
    if dates.is_empty() {
        if let Some(c) = RELATIVE.captures(folded) {
            let word = &c[1];
            if matches!(word, "tomorrow" | "morgen" | "demain" | "manana" | "domani" | "amanha") {
                dates.push(received + Duration::days(1));
            } else if let Some(wd) = weekday(word) {
                let mut d = received + Duration::days(1);
                while d.weekday() != wd {
                    d += Duration::days(1);
                }
                dates.push(d);
            }
        }
    }
    dates.into_iter().filter(|d| *d >= received).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn return_dates_the_way_each_language_writes_them() {
        let r = date!(2026 - 11 - 26);
        let at = |t: &str, day_first| return_date(&crate::engagement::lexicon::fold(t), r, day_first);
        assert_eq!(at("I'm back on December 3rd.", false), Some(date!(2026 - 12 - 03)));
        assert_eq!(at("Zurück am 8. Januar", true), Some(date!(2027 - 01 - 08)));
        assert_eq!(at("de retour le 2 décembre 2026", true), Some(date!(2026 - 12 - 02)));
        assert_eq!(at("de retour le lundi 07/12", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("back Monday 07/12", false), Some(date!(2026 - 12 - 07)), "the weekday decides");
        assert_eq!(at("back 2026-12-10", false), Some(date!(2026 - 12 - 10)));
        assert_eq!(at("out from 11/24 to 12/01", false), Some(date!(2026 - 12 - 01)));
        assert_eq!(at("ab dem 7.12. wieder erreichbar", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("de volta em 7 de dezembro", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("rientro il 7 dicembre", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("I'll be back on Monday", false), Some(date!(2026 - 11 - 30)));
        assert_eq!(at("meeting at 10:30, no date here", false), None);
    }
}
