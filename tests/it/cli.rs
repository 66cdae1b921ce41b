//! The `overture` binary: commands, outputs and exit codes (CONTRACT §1).

use std::path::Path;
use std::process::{Command, Output};

fn overture(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(args)
        .env("OVERTURE_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("OVERTURE_NOW", "2026-11-25T09:00:00Z")
        .env_remove("RUST_LOG")
        .output()
        .expect("run overture")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn csv_import_detect_and_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let data = dir.path().join("data");
    let out = overture(&db, &["synth", "--customers", "40", "--days", "90", "--out", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files: Vec<String> = ["features", "plans", "team", "customers", "contacts", "feature_requests", "usage"]
        .iter()
        .map(|f| data.join(format!("{f}.csv")).display().to_string())
        .collect();
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    let out = overture(&db, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("40 customers") && stdout.contains("3600 usage rows"), "{stdout}");

    let out = overture(&db, &["detect"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("CUSTOMER"), "{stdout}");
    assert!(stdout.contains("40 customers evaluated"), "{stdout}");

    let out = overture(&db, &["token", "issue", "csm3@vendor.example"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).trim().starts_with("ovt_"));
    let out = overture(&db, &["token", "issue", "stranger@vendor.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a team member"));

    let out = overture(&db, &["token", "revoke", "csm3@vendor.example"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "Revoked 1 token of csm3@vendor.example; their web sessions have ended.");
    let out = overture(&db, &["token", "revoke", "csm3@vendor.example"]);
    assert_eq!(text(&out.stdout).trim(), "Revoked 0 tokens of csm3@vendor.example; their web sessions have ended.");
    let out = overture(&db, &["token", "revoke", "stranger@vendor.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a team member"));
}

#[test]
fn a_bad_csv_names_file_line_and_column_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let plans = write(
        "plans.csv",
        "key,name,rank,annual_price_per_seat,seat_limit,api_calls_per_month,features\nbasic,Basic,1,100,10,,reports\n",
    );
    let customers = write("customers.csv", "external_id,name,plan,seats_purchased\na,Alpha,basic,5\nb,Beta,gold,5\n");
    let usage = write(
        "usage.csv",
        "external_id,date,seats_used,monthly_active_users,api_calls\na,2026-11-20,4,4,10\na,2026-11-21,four,4,10\nzz,2026-11-21,1,1,1\n",
    );
    let out = overture(&db, &["import", &plans, &customers, &usage]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("customers.csv:3:plan: unknown plan `gold`"), "{stderr}");
    assert!(stderr.contains("usage.csv:3:seats_used: `four` is not a whole number"), "{stderr}");
    assert!(stderr.contains("usage.csv:4:external_id: unknown customer `zz`"), "{stderr}");
    assert!(stderr.contains("3 problem(s) found; nothing was imported"), "{stderr}");
    // Nothing was kept: the workspace exists but has no customers to detect.
    let out = overture(&db, &["detect"]);
    assert!(text(&out.stdout).contains("0 customers evaluated"), "{}", text(&out.stdout));

    let unknown = write("mystery.csv", "a,b\n1,2\n");
    let out = overture(&db, &["import", &unknown]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot tell what `mystery.csv` holds"));
}

#[test]
fn bad_settings_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_overture"))
        .args(["migrate"])
        .env("OVERTURE_NOW", "yesterday")
        .env("OVERTURE_DATABASE_URL", format!("sqlite://{}/x.db", dir.path().display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("RFC 3339"));
    let out = overture(&dir.path().join("x.db"), &["detect", "--workspace", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no workspace `nope`"));
}
