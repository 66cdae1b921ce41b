//! From context to email: the recommended approach with its reasons, the email in text and HTML, and
//! the checks (pushiness, grounding). Pure: no I/O, no clock.

mod checks;
mod facts;
mod recommend;
mod render;
#[cfg(test)]
mod tests;

pub use checks::{Checker, TEMPLATE_CONSTANTS};
pub use facts::{ComposeError, Model};
pub use recommend::{reasons_for, recommend, Recommendation};
pub use render::Renderer;

use crate::context::ExpansionContext;
use crate::domain::{Approach, Checks, Fact, Feature, Plan, TemplateOverride, Tone};

/// Subjects are kept under this many characters.
pub const MAX_SUBJECT_CHARS: usize = 79;

/// A composed introduction.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    pub approach: Approach,
    pub tone: Tone,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub checks: Checks,
    /// The facts the email may quote (kept so that an edited text can be checked again).
    pub facts: Vec<Fact>,
}

/// Builds emails. Building one compiles the templates; share it.
#[derive(Clone)]
pub struct Composer {
    renderer: Renderer,
    checker: Checker,
}

fn shorten(subject: String) -> String {
    if subject.chars().count() <= MAX_SUBJECT_CHARS {
        return subject;
    }
    let mut out = String::new();
    for word in subject.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > MAX_SUBJECT_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

impl Composer {
    pub fn new() -> Result<Composer, ComposeError> {
        Ok(Composer { renderer: Renderer::new()?, checker: Checker::new() })
    }

    /// This composer with a workspace's own templates in place of the built-in ones.
    pub fn with_overrides(&self, overrides: &[TemplateOverride]) -> Result<Composer, ComposeError> {
        let mut composer = self.clone();
        for o in overrides {
            composer.renderer.set_override(o.approach, &o.subject, &o.body)?;
        }
        Ok(composer)
    }

    /// Composes the introduction for the context's customer. `plans` and `features` are the catalog.
    pub fn compose(
        &self,
        ctx: &ExpansionContext,
        plans: &[Plan],
        features: &[Feature],
        approach: Approach,
        tone: Tone,
    ) -> Result<Email, ComposeError> {
        let (model, facts) = facts::model(ctx, plans, features, approach, tone)?;
        let (subject, text) = self.renderer.subject_and_text(approach, &model)?;
        let subject = shorten(subject);
        let html = self.renderer.html(&subject, &text)?;
        let checks = self.check(&subject, &text, &facts, plans, features);
        Ok(Email { approach, tone, subject, text, html, checks, facts })
    }

    /// The checks for a subject and text (after an edit, say) against the facts of the context.
    pub fn check(&self, subject: &str, text: &str, facts: &[Fact], plans: &[Plan], features: &[Feature]) -> Checks {
        let names: Vec<&str> =
            plans.iter().map(|p| p.name.as_str()).chain(features.iter().map(|f| f.name.as_str())).collect();
        Checks {
            pushiness: self.checker.pushiness(subject, text),
            grounding: self.checker.grounding(subject, text, facts, &names),
        }
    }

    /// The HTML version of a (possibly edited) text.
    pub fn html(&self, subject: &str, text: &str) -> Result<String, ComposeError> {
        self.renderer.html(subject, text)
    }
}
