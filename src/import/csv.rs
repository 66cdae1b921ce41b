//! CSV files, one per kind of record, named after it (`customers.csv`, `usage.csv`, …), with a header
//! row whose column names are the bundle's field names. Rows become the bundle's records, so that CSV
//! and JSON go through the same checks.

use std::collections::HashMap;
use std::path::Path;

use super::bundle::{
    ContactRecord, CustomerRecord, FeatureRecord, MemberRecord, MilestoneRecord, OutcomeRecord, PlanRecord,
    RequestRecord, UsageRecord,
};
use super::validate::{Errors, Loc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Features,
    Plans,
    Team,
    Customers,
    Contacts,
    Usage,
    FeatureRequests,
    Milestones,
    Outcomes,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Features,
        Kind::Plans,
        Kind::Team,
        Kind::Customers,
        Kind::Contacts,
        Kind::Usage,
        Kind::FeatureRequests,
        Kind::Milestones,
        Kind::Outcomes,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Features => "features.csv",
            Kind::Plans => "plans.csv",
            Kind::Team => "team.csv",
            Kind::Customers => "customers.csv",
            Kind::Contacts => "contacts.csv",
            Kind::Usage => "usage.csv",
            Kind::FeatureRequests => "feature_requests.csv",
            Kind::Milestones => "milestones.csv",
            Kind::Outcomes => "outcomes.csv",
        }
    }

    /// Columns: required ones first, then optional ones.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Kind::Features => (&["key", "name"], &["description", "resource_url"]),
            Kind::Plans => (
                &["key", "name", "rank", "annual_price_per_seat"],
                &["annual_base_price", "seat_limit", "api_calls_per_month", "features"],
            ),
            Kind::Team => (&["email", "name", "role"], &["title", "calendar_url"]),
            Kind::Customers => (
                &["external_id", "name", "plan", "seats_purchased"],
                &["arr", "renewal_date", "health_score", "industry", "csm", "ae", "time_zone"],
            ),
            Kind::Contacts => (
                &["external_id", "name"],
                &["email", "title", "role", "primary", "tracking_opt_out", "time_zone", "buying_style"],
            ),
            Kind::Usage => (&["external_id", "date", "seats_used", "monthly_active_users", "api_calls"], &[]),
            Kind::FeatureRequests => (&["external_id", "feature", "requested_at"], &["note"]),
            Kind::Milestones => (&["external_id", "title", "achieved_at"], &[]),
            Kind::Outcomes => (&["external_id", "outcome", "at"], &["note"]),
        }
    }

    /// The kind a file holds, from its name (`usage.csv`, or `usage-2026-11.csv`).
    pub fn of(path: &Path) -> Result<Kind, String> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
        let stem = name.strip_suffix(".csv").unwrap_or(&name);
        Kind::ALL
            .into_iter()
            .filter(|k| {
                let base = k.file_name().trim_end_matches(".csv");
                stem == base || stem.starts_with(&format!("{base}-")) || stem.starts_with(&format!("{base}_"))
            })
            .max_by_key(|k| k.file_name().len())
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.file_name()).collect();
                format!("cannot tell what `{name}` holds: name CSV files {}", names.join(", "))
            })
    }
}

/// A reader positioned after a checked header row.
pub struct Table {
    pub file: String,
    reader: csv::Reader<std::fs::File>,
    columns: HashMap<String, usize>,
}

impl Table {
    /// Opens a file and checks its header; problems are recorded in `e` and give `None`.
    pub fn open(path: &Path, kind: Kind, e: &mut Errors) -> Result<Option<Table>, std::io::Error> {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("file.csv").to_string();
        let mut reader =
            csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_path(path).map_err(|err| match err
                .into_kind()
            {
                csv::ErrorKind::Io(io) => io,
                other => std::io::Error::other(format!("{other:?}")),
            })?;
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(err) => {
                e.add(format!("{file}:1"), format!("cannot read the header row: {err}"));
                return Ok(None);
            }
        };
        let (required, optional) = kind.columns();
        let mut columns = HashMap::new();
        let before = e.total;
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim_start_matches('\u{feff}').to_ascii_lowercase();
            if !required.contains(&h.as_str()) && !optional.contains(&h.as_str()) {
                let all: Vec<&str> = required.iter().chain(optional).copied().collect();
                e.add(
                    format!("{file}:1:{h}"),
                    format!("unknown column; columns of {} are {}", kind.file_name(), all.join(", ")),
                );
            } else if columns.insert(h.clone(), i).is_some() {
                e.add(format!("{file}:1:{h}"), "column appears twice");
            }
        }
        for r in required {
            if !columns.contains_key(*r) {
                e.add(format!("{file}:1"), format!("missing required column `{r}`"));
            }
        }
        Ok((e.total == before).then_some(Table { file, reader, columns }))
    }

    /// Calls `each` for every data row with its location; unreadable rows are recorded in `e`.
    pub fn rows(&mut self, e: &mut Errors, mut each: impl FnMut(&Row<'_>, &mut Errors)) {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    let row = Row {
                        record: &record,
                        columns: &self.columns,
                        loc: Loc::Csv { file: self.file.clone(), line },
                    };
                    each(&row, e);
                }
                Err(err) => {
                    let line = err.position().map_or(0, |p| p.line());
                    e.add(format!("{}:{line}", self.file), format!("unreadable row: {err}"));
                    if !matches!(err.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
        }
    }
}

/// A cell could not be read; what is wrong has been recorded in the import's errors.
#[derive(Debug)]
pub struct Recorded;

pub struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    pub loc: Loc,
}

impl Row<'_> {
    pub fn str(&self, column: &str) -> String {
        self.columns.get(column).and_then(|i| self.record.get(*i)).unwrap_or_default().to_string()
    }

    pub fn opt(&self, column: &str) -> Option<String> {
        Some(self.str(column)).filter(|s| !s.is_empty())
    }

    /// A whole number; an empty cell is `None`, anything else unparsable is an error (and `Err`).
    pub fn int(&self, e: &mut Errors, column: &str) -> Result<Option<i64>, Recorded> {
        let Some(raw) = self.opt(column) else { return Ok(None) };
        raw.replace('_', "").parse::<i64>().map(Some).map_err(|_| {
            e.add(self.loc.at(column), format!("`{raw}` is not a whole number"));
            Recorded
        })
    }

    pub fn required_int(&self, e: &mut Errors, column: &str) -> Result<i64, Recorded> {
        self.int(e, column)?.ok_or_else(|| {
            e.add(self.loc.at(column), "is required and cannot be empty");
            Recorded
        })
    }

    pub fn bool(&self, e: &mut Errors, column: &str) -> Result<bool, Recorded> {
        match self.str(column).to_ascii_lowercase().as_str() {
            "" | "false" | "no" | "0" => Ok(false),
            "true" | "yes" | "1" => Ok(true),
            other => {
                e.add(self.loc.at(column), format!("`{other}` is not true or false"));
                Err(Recorded)
            }
        }
    }
}

pub fn feature(row: &Row<'_>, _: &mut Errors) -> Option<FeatureRecord> {
    Some(FeatureRecord {
        key: row.str("key"),
        name: row.str("name"),
        description: row.opt("description"),
        resource_url: row.opt("resource_url"),
    })
}

pub fn plan(row: &Row<'_>, e: &mut Errors) -> Option<PlanRecord> {
    let rank = row.required_int(e, "rank");
    let per_seat = row.required_int(e, "annual_price_per_seat");
    let base = row.int(e, "annual_base_price");
    let seats = row.int(e, "seat_limit");
    let api = row.int(e, "api_calls_per_month");
    Some(PlanRecord {
        key: row.str("key"),
        name: row.str("name"),
        rank: rank.ok()?,
        annual_price_per_seat: per_seat.ok()?,
        annual_base_price: base.ok()?.unwrap_or(0),
        seat_limit: seats.ok()?,
        api_calls_per_month: api.ok()?,
        features: row
            .str("features")
            .split([';', '|'])
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
    })
}

pub fn member(row: &Row<'_>, _: &mut Errors) -> Option<MemberRecord> {
    Some(MemberRecord {
        email: row.str("email"),
        name: row.str("name"),
        role: row.str("role"),
        title: row.opt("title"),
        calendar_url: row.opt("calendar_url"),
    })
}

pub fn customer(row: &Row<'_>, e: &mut Errors) -> Option<CustomerRecord> {
    let seats = row.required_int(e, "seats_purchased");
    let arr = row.int(e, "arr");
    let health = row.int(e, "health_score");
    Some(CustomerRecord {
        external_id: row.str("external_id"),
        name: row.str("name"),
        plan: row.str("plan"),
        seats_purchased: seats.ok()?,
        arr: arr.ok()?,
        renewal_date: row.opt("renewal_date"),
        health_score: health.ok()?,
        industry: row.opt("industry"),
        csm: row.opt("csm"),
        ae: row.opt("ae"),
        time_zone: row.opt("time_zone"),
        ..Default::default()
    })
}

pub fn contact(row: &Row<'_>, e: &mut Errors) -> Option<ContactRecord> {
    let primary = row.bool(e, "primary");
    let tracking_opt_out = row.bool(e, "tracking_opt_out");
    Some(ContactRecord {
        name: row.str("name"),
        email: row.opt("email"),
        title: row.opt("title"),
        role: row.opt("role"),
        primary: primary.ok()?,
        tracking_opt_out: tracking_opt_out.ok()?,
        time_zone: row.opt("time_zone"),
        buying_style: row.opt("buying_style"),
    })
}

pub fn usage(row: &Row<'_>, e: &mut Errors) -> Option<UsageRecord> {
    let seats = row.required_int(e, "seats_used");
    let mau = row.required_int(e, "monthly_active_users");
    let api = row.required_int(e, "api_calls");
    Some(UsageRecord {
        date: row.str("date"),
        seats_used: seats.ok()?,
        monthly_active_users: mau.ok()?,
        api_calls: api.ok()?,
    })
}

pub fn request(row: &Row<'_>, _: &mut Errors) -> Option<RequestRecord> {
    Some(RequestRecord { feature: row.str("feature"), requested_at: row.str("requested_at"), note: row.opt("note") })
}

pub fn outcome(row: &Row<'_>, _: &mut Errors) -> Option<OutcomeRecord> {
    Some(OutcomeRecord {
        external_id: row.str("external_id"),
        outcome: row.str("outcome"),
        at: row.str("at"),
        note: row.opt("note"),
    })
}

pub fn milestone(row: &Row<'_>, _: &mut Errors) -> Option<MilestoneRecord> {
    Some(MilestoneRecord { title: row.str("title"), achieved_at: row.str("achieved_at") })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contacts a `contacts.csv` with this content reads as, with no problem found.
    fn read_contacts(content: &str) -> Vec<ContactRecord> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("contacts.csv");
        std::fs::write(&path, content).expect("write");
        let mut e = Errors { list: Vec::new(), total: 0 };
        let mut table = Table::open(&path, Kind::Contacts, &mut e).expect("opens").expect("a table");
        let mut contacts = Vec::new();
        table.rows(&mut e, |row, e| contacts.extend(contact(row, e)));
        assert!(e.is_empty(), "{:?}", e.list);
        contacts
    }

    #[test]
    fn contacts_may_opt_out_of_tracking() {
        let contacts = read_contacts(
            "external_id,name,email,tracking_opt_out\nacme,Jennifer,j@acme.example,true\nacme,Tom,t@acme.example,\n",
        );
        assert_eq!(contacts.iter().map(|c| c.tracking_opt_out).collect::<Vec<_>>(), vec![true, false]);
    }

    #[test]
    fn contacts_and_customers_carry_time_zones_and_styles() {
        let contacts = read_contacts(
            "external_id,name,email,time_zone,buying_style\nacme,Jennifer,j@acme.example,Europe/Paris,driver\n\
             acme,Tom,t@acme.example,,\n",
        );
        let read: Vec<_> = contacts.iter().map(|c| (c.time_zone.as_deref(), c.buying_style.as_deref())).collect();
        assert_eq!(read, vec![(Some("Europe/Paris"), Some("driver")), (None, None)]);
        let (_, optional) = Kind::Customers.columns();
        assert!(optional.contains(&"time_zone"));
    }
}
