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
    re(r"\b(\d{1,2})(?:st|nd|rd|th|er|e|\.|o|º|°)?[ -](?:de |di |of )?([a-z]{3,10})\.?(?:,? (?:de |del )?(\d{4}))?")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:back|return(?:ing)?|zuruck|wieder|de retour|retour|reviens|de vuelta|vuelvo|regreso|rientro|di ritorno|torno|tornero|terug|weer|de volta|volto|retorno|ab|vanaf|a partir del?|des)\b[^.\n]{0,30}?\b(tomorrow|morgen|demain|manana|domani|amanha|monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|lunedi|martedi|mercoledi|giovedi|venerdi|maandag|dinsdag|woensdag|donderdag|vrijdag|segunda|terca|quarta|quinta|sexta)\b",
    )
});

/// "Maandag ben ik weer terug", "Monday I'm back": the weekday first.
static WEEKDAY_THEN_BACK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|lunedi|martedi|mercoledi|giovedi|venerdi|maandag|dinsdag|woensdag|donderdag|vrijdag|segunda|terca|quarta|quinta|sexta)\b[^.\n\d]{0,20}\b(?:ben ik (?:er )?weer|bin ich wieder|i'm back|i am back|weer terug|je suis de retour|estoy de vuelta|sono di nuovo|estou de volta|zuruck)",
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

/// A weekday named right after a return word, with no day number: "reabrimos el lunes".
static WEEKDAY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[^.\n\d]{0,16}?\b(monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|lunedi|martedi|mercoledi|giovedi|venerdi|maandag|dinsdag|woensdag|donderdag|vrijdag|segunda|terca|quarta|quinta|sexta)\b(?:-feira)?[^\d]{0,3}(?:$|[^\d\s])",
    )
});

/// Words that say the date after them is the day they are back.
static RETURN_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:back|return(?:ing)?|returns|reopen(?:s|ing)?|zuruck|wieder|ab|de retour|retour|reviens|des le|vuelvo|regreso|retomo|me reincorporo|me reintegro|de vuelta|reabrimos|reabre|a partir del?|rientro|torno|di ritorno|riapriamo|terug|ben er weer|volto|retorno|de volta|regresso|weer|vanaf)\b",
    )
});
static DAY_THEN_RETURN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:monday|tuesday|wednesday|thursday|friday|montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi|lunes|martes|miercoles|jueves|viernes|lunedi|martedi|mercoledi|giovedi|venerdi|maandag|dinsdag|woensdag|donderdag|vrijdag|segunda|terca|quarta|quinta|sexta)(?:-feira)? (\d{1,2})\b[^.\n\d]{0,6}(?:vuelvo|regreso|estoy de vuelta|estare de vuelta|estare de regreso|rientro|torno|saro di ritorno|volto|retorno|estarei de volta|bin ich wieder|ben ik (?:er )?weer|je reviens|je serai de retour|i'm back|i am back|i'll be back|i will be back)",
    )
});

/// Words that say the date after them ends the absence ("until", "bis", "hasta", "jusqu'au", "fino al",
/// "até", "tot", a range's "to"): the last day away, unless a negation says it is the day they are
/// back ("will not return until 7 December").
static UNTIL_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:\b(?:until|till|til|bis|hasta|jusqu'(?:au|a|a la)|fino (?:al|a|all')|ate|al|au|to)\b|->|–)[^.\n\d]{0,22}$")
});
static NOT_UNTIL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:not|won't|will not|no|nicht|pas|non|niet|nao)\b[^.\n]{0,40}$"));

/// Words that say the date after them is the last day away ("bis einschließlich", "tot en met").
static THROUGH_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:through|thru|until and including|up to and including|bis einschliesslich|bis und mit|tot en met|t/m|jusqu'au .{0,20}inclus|fino al .{0,20}(?:compreso|incluso)|hasta el .{0,25}inclusive|ate .{0,25}inclusive)\b",
    )
});
static INCLUSIVE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[^.\n]{0,14}?\(?(?:inclusive|inclus|incluso|incluidos?|incluidas?|inclusi|compres[oi]|einschliesslich|inclusief|incl\.)",
    )
});
static BARE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[^.\n\d]{0,30}?\b(?:(?:el|il|le|on|am|op|dia|the|o|a)\s+)?(?:[a-z]+(?:-feira)?\s+)?(\d{1,2})(?:st|nd|rd|th|°|º|o)?\b(?:[^./\d]|\.(?:\s|$)|$)",
    )
});

/// The return date of an out-of-office reply in folded text: a date said to be the day they are back,
/// else the latest date it mentions that is not in the past (the next working day when that date is
/// the last day away: "bis einschließlich 4.12.", "tot en met vrijdag 4 december"). `day_first` is
/// how the writer's language writes numeric dates (all but US English).
pub fn return_date(folded: &str, received: Date, day_first: bool) -> Option<Date> {
    let found = dates_in(folded, received, day_first);
    let before = |at: usize, n: usize| &folded[folded.floor_char_boundary(at.saturating_sub(n))..at];
    // A return date is after the day the notice arrives ("ab 26.11. im Urlaub" starts the absence).
    let back: Vec<Date> = found
        .iter()
        .filter(|(d, at, _)| *d > received && RETURN_WORDS.is_match(before(*at, 40)))
        .map(|(d, _, _)| *d)
        .collect();
    // "Back on Monday the 14th", "back at my desk on the 3rd": a day number after a return word, in the
    // month of the dates around it (or the coming one).
    let latest = found.iter().map(|(d, _, _)| *d).filter(|d| *d >= received).max();
    let mut bare = Vec::new();
    for m in RETURN_WORDS.find_iter(folded) {
        let after = &folded[m.end()..];
        if let Some(c) = BARE_DAY.captures(after) {
            let Ok(day) = c[1].parse::<u8>() else { continue };
            let anchor = latest.unwrap_or(received);
            let candidate = day_from(anchor, anchor, day);
            bare.extend(candidate.filter(|d| *d > received && *d <= anchor + Duration::days(31)));
        } else if let Some(c) = WEEKDAY_AFTER.captures(after) {
            // "Reabrimos el lunes" after a closure on the 26th and 27th: the next such day after it.
            if let Some(wd) = weekday(&c[1]) {
                // A date already read for that weekday ("back on Monday" read as the coming Monday) is it.
                if let Some(d) = found.iter().map(|(d, _, _)| *d).find(|d| *d > received && d.weekday() == wd) {
                    bare.push(d);
                    continue;
                }
                let mut d = latest.unwrap_or(received).max(received) + Duration::days(1);
                while d.weekday() != wd {
                    d += Duration::days(1);
                }
                bare.push(d);
            }
        }
    }
    // "El lunes 30 vuelvo": a weekday and a day number, then a return word.
    for c in DAY_THEN_RETURN.captures_iter(folded) {
        let Ok(day) = c[1].parse::<u8>() else { continue };
        let candidate = day_from(latest.unwrap_or(received), received, day);
        bare.extend(candidate.filter(|d| *d >= received && *d <= received + Duration::days(62)));
    }
    if let Some(d) = back.into_iter().chain(bare).filter(|d| *d >= received).max() {
        return Some(d);
    }
    let (date, at, end) = found.into_iter().filter(|(d, _, _)| *d >= received).max_by_key(|(d, _, _)| *d)?;
    let lead = before(at, 40);
    // Away until a Monday is back that Monday; Dutch "tot" (without "en met") is up to, not through.
    let until = date.weekday() != Weekday::Monday
        && UNTIL_WORDS.find(lead).is_some_and(|m| {
            let wide = before(at, 90);
            !NOT_UNTIL.is_match(&wide[..wide.len() - (lead.len() - m.start())])
        });
    let through = until || THROUGH_WORDS.is_match(lead) || INCLUSIVE_AFTER.is_match(&folded[end..]);
    Some(if through { next_working_day(date) } else { date })
}

/// Day `day` of `anchor`'s month when that is not before `floor`, else of the month after.
fn day_from(anchor: Date, floor: Date, day: u8) -> Option<Date> {
    match Date::from_calendar_date(anchor.year(), anchor.month(), day).ok() {
        Some(d) if d >= floor => Some(d),
        _ => {
            let next = anchor.month().next();
            let year = if next == Month::January { anchor.year() + 1 } else { anchor.year() };
            Date::from_calendar_date(year, next, day).ok()
        }
    }
}

fn next_working_day(d: Date) -> Date {
    let mut next = d + Duration::days(1);
    while matches!(next.weekday(), Weekday::Saturday | Weekday::Sunday) {
        next += Duration::days(1);
    }
    next
}

/// Every date in the text, with where it starts and ends.
fn dates_in(folded: &str, received: Date, day_first: bool) -> Vec<(Date, usize, usize)> {
    let mut dates = Vec::new();
    for c in ISO_DATE.captures_iter(folded) {
        let (y, m, d) = (c[1].parse().ok(), c[2].parse::<u8>().ok(), c[3].parse::<u8>().ok());
        if let (Some(y), Some(m), Some(d), Some(all)) = (y, m.and_then(|m| Month::try_from(m).ok()), d, c.get(0)) {
            dates.extend(dated(Some(y), m, d, received).map(|x| (x, all.start(), all.end())));
        }
    }
    let without_iso = ISO_DATE.replace_all(folded, |c: &regex::Captures<'_>| " ".repeat(c[0].len()));
    for c in NUMERIC_DATE.captures_iter(&without_iso) {
        let (Ok(a), Ok(b)) = (c[2].parse::<u8>(), c[4].parse::<u8>()) else { continue };
        let (Some(all), Some(number)) = (c.get(0), c.get(2)) else { continue };
        let folded = &*without_iso;
        // "10:30" is a time, "1.5" a number: a date needs a separator of its kind and sensible parts.
        let year = c.get(5).and_then(|y| y.as_str().parse().ok());
        let sep = &c[3];
        // "7-12" is a date only right after a return word ("vanaf 7-12").
        let lead = &folded[folded.floor_char_boundary(number.start().saturating_sub(16))..number.start()];
        if sep == "-" && year.is_none() && !RETURN_WORDS.is_match(lead) {
            continue;
        }
        let named_day = c.get(1).and_then(|w| weekday(w.as_str()));
        let day_first_here = match (a > 12, b > 12) {
            (true, false) => true,
            (false, true) => false,
            _ => {
                let by_weekday = named_day.and_then(|wd| {
                    let df = Month::try_from(b).ok().and_then(|m| dated(year, m, a, received));
                    let mf = Month::try_from(a).ok().and_then(|m| dated(year, m, b, received));
                    match (df.map(|d| d.weekday() == wd), mf.map(|d| d.weekday() == wd)) {
                        (Some(true), Some(false) | None) => Some(true),
                        (Some(false) | None, Some(true)) => Some(false),
                        _ => None,
                    }
                });
                // A writer who puts the day first always does; in US English, the nearer reading wins.
                by_weekday.unwrap_or_else(|| day_first || sep == "." || nearer(a, b, year, received).unwrap_or(false))
            }
        };
        let (d, m) = if day_first_here { (a, b) } else { (b, a) };
        if let Ok(m) = Month::try_from(m) {
            dates.extend(dated(year, m, d, received).map(|x| (x, number.start(), all.end())));
        }
    }
    for c in MONTH_FIRST.captures_iter(folded) {
        if let (Some(m), Ok(d), Some(all)) = (month(&c[1]), c[2].parse::<u8>(), c.get(0)) {
            let year = c.get(3).and_then(|y| y.as_str().parse().ok());
            dates.extend(dated(year, m, d, received).map(|x| (x, all.start(), all.end())));
        }
    }
    for c in DAY_FIRST.captures_iter(folded) {
        if let (Ok(d), Some(m), Some(all)) = (c[1].parse::<u8>(), month(&c[2]), c.get(0)) {
            let year = c.get(3).and_then(|y| y.as_str().parse().ok());
            dates.extend(dated(year, m, d, received).map(|x| (x, all.start(), all.end())));
        }
    }
    if dates.is_empty() {
        if let Some(c) = RELATIVE.captures(folded).or_else(|| WEEKDAY_THEN_BACK.captures(folded)) {
            let (word, at) = (&c[1], c.get(1).map_or(0, |m| m.start()));
            if matches!(word, "tomorrow" | "morgen" | "demain" | "manana" | "domani" | "amanha") {
                dates.push((received + Duration::days(1), at, at + word.len()));
            } else if let Some(wd) = weekday(word) {
                let mut d = received + Duration::days(1);
                while d.weekday() != wd {
                    d += Duration::days(1);
                }
                dates.push((d, at, at + word.len()));
            }
        }
    }
    dates
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
        assert_eq!(at("out from 11/24 to 12/01", false), Some(date!(2026 - 12 - 02)), "the last day away");
        assert_eq!(at("will not return until 07/12/2026", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("ich bin vom 26.11. bis 02.12.2026 im Urlaub", true), Some(date!(2026 - 12 - 03)));
        assert_eq!(at("back at my desk on the 3rd", false), Some(date!(2026 - 12 - 03)));
        assert_eq!(
            at("cerradas jueves 26 y viernes 27 de noviembre. reabrimos el lunes", true),
            Some(date!(2026 - 11 - 30))
        );
        assert_eq!(at("vanaf 7-12 ben ik weer aanwezig", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("el jueves 3 estare de vuelta", true), Some(date!(2026 - 12 - 03)));
        assert_eq!(
            at("ich bin auf einer konferenz und ab dienstag, 1.12., wieder erreichbar.", true),
            Some(date!(2026 - 12 - 01))
        );
        assert_eq!(
            at("ik ben afwezig tot maandag 18 januari 2027. vanaf die dag ben ik weer aan het werk.", true),
            Some(date!(2027 - 01 - 18))
        );
        assert_eq!(at("no estare en la oficina hasta el miercoles 9 de diciembre.", true), Some(date!(2026 - 12 - 09)));
        assert_eq!(at("ik ben op cursus en weer aanwezig op woensdag 2.12.", true), Some(date!(2026 - 12 - 02)));
        assert_eq!(at("ab dem 7.12. wieder erreichbar", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("de volta em 7 de dezembro", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("rientro il 7 dicembre", true), Some(date!(2026 - 12 - 07)));
        assert_eq!(at("I'll be back on Monday", false), Some(date!(2026 - 11 - 30)));
        assert_eq!(at("meeting at 10:30, no date here", false), None);
    }
}
