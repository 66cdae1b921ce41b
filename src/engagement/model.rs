//! A small statistical reader beside the rules: multinomial naive Bayes over hashed word unigrams,
//! bigrams (with negation marked: "not interested" → `!interested`) and word prefixes (a cheap stem
//! that carries across inflections and languages). It is trained on the built-in corpus's training
//! split and, per workspace, on the CSM's corrections, which weigh more than a corpus case. Counts
//! add up, so a correction updates the model at once; no retraining pass is needed.
//!
//! Why not `linfa`: its naive Bayes wants a dense feature matrix, and hashed n-grams are sparse
//! (a reply has ~100 features out of 2^20); a dense matrix per workspace would cost megabytes and
//! milliseconds where this costs kilobytes and microseconds.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, LazyLock};

use super::classify::Label;
use super::lexicon::fold;

/// The labels the model tells apart (bounces are structural and never reach it).
pub const LABELS: [Label; 5] = [Label::Positive, Label::Neutral, Label::Negative, Label::OutOfOffice, Label::AutoReply];
const K: usize = LABELS.len();
/// Laplace smoothing.
const ALPHA: f64 = 0.2;
/// How many corpus cases one CSM correction is worth.
pub const CORRECTION_WEIGHT: f64 = 4.0;

fn index(label: Label) -> Option<usize> {
    LABELS.iter().position(|l| *l == label)
}

/// Counts of features by label.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    features: HashMap<u64, [f32; K]>,
    totals: [f64; K],
    docs: [f64; K],
}

impl Counts {
    pub fn add(&mut self, text: &str, label: Label, weight: f64) {
        let Some(k) = index(label) else { return };
        for f in features(text) {
            self.features.entry(f).or_insert([0.0; K])[k] += weight as f32;
            self.totals[k] += weight;
        }
        self.docs[k] += weight;
    }

    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }
}

/// How much the model's reading weighs where the rules found something (the rules weigh the rest).
pub const BLEND: f64 = 0.2;

/// Where no rule spoke, the model's probability of each of [`LABELS`] is scaled by this before the
/// confidence is read: a yes needs more than a lean (a false yes hands the customer to the AE), and a
/// reply with no yes or no in it is most often neutral. Chosen by 5-fold cross-validation on the
/// training split (`overture evaluate-replies --cv`).
pub const NO_RULE_SCALE: [f64; 5] = [0.7, 1.0, 0.85, 0.7, 0.7];

/// Naive Bayes is overconfident (its features are not independent): log-probabilities are divided by
/// this before they are turned into probabilities.
pub const TEMPERATURE: f64 = 1.0;

/// The built-in model and a workspace's corrections on top of it.
#[derive(Debug, Clone)]
pub struct Model {
    /// See [`BLEND`].
    pub blend: f64,
    /// See [`NO_RULE_SCALE`].
    pub no_rule_scale: [f64; 5],
    /// See [`TEMPERATURE`].
    pub temperature: f64,
    base: Arc<Counts>,
    own: Counts,
    /// The workspace's corrected replies, folded, for a near-exact match.
    corrected: Vec<(Vec<String>, Label)>,
}

impl Model {
    /// The model of the built-in corpus alone.
    pub fn builtin() -> Model {
        static BASE: LazyLock<Arc<Counts>> = LazyLock::new(|| Arc::new(train_builtin()));
        Model::over(BASE.clone())
    }

    /// A model of the given corpus cases alone (for cross-validation).
    pub fn of_cases<'a>(cases: impl IntoIterator<Item = &'a super::corpus::Case>) -> Model {
        Model::over(Arc::new(counts_of(cases)))
    }

    /// A model on `base` with no corrections yet.
    fn over(base: Arc<Counts>) -> Model {
        Model {
            blend: BLEND,
            no_rule_scale: NO_RULE_SCALE,
            temperature: TEMPERATURE,
            base,
            own: Counts::default(),
            corrected: Vec::new(),
        }
    }

    /// The built-in model with a workspace's corrections (reply text, label).
    pub fn with_corrections<'a>(corrections: impl IntoIterator<Item = (&'a str, Label)>) -> Model {
        let mut model = Model::builtin();
        for (text, label) in corrections {
            model.learn(text, label);
        }
        model
    }

    /// Adds one correction.
    pub fn learn(&mut self, text: &str, label: Label) {
        if index(label).is_none() {
            return;
        }
        self.own.add(text, label, CORRECTION_WEIGHT);
        self.corrected.push((words(text), label));
    }

    pub fn corrections(&self) -> usize {
        self.corrected.len()
    }

    /// A correction whose words are (nearly) this reply's: the CSM already said what it means.
    pub fn recall(&self, text: &str) -> Option<Label> {
        let w = words(text);
        if w.is_empty() {
            return None;
        }
        self.corrected.iter().rev().find(|(c, _)| jaccard(c, &w) >= 0.85).map(|(_, l)| *l)
    }

    /// The probability of each of [`LABELS`] for a reply's own words.
    pub fn predict(&self, text: &str) -> [f64; K] {
        let docs: f64 = (0..K).map(|k| self.base.docs[k] + self.own.docs[k]).sum();
        let mut log = [0.0f64; K];
        for (k, l) in log.iter_mut().enumerate() {
            // A prior that leans toward the corpus's mix but never rules a label out.
            *l = ((self.base.docs[k] + self.own.docs[k] + 1.0) / (docs + K as f64)).ln();
        }
        let vocab = (self.base.len() + self.own.len()).max(1) as f64;
        for f in features(text) {
            let base = self.base.features.get(&f);
            let own = self.own.features.get(&f);
            if base.is_none() && own.is_none() {
                continue;
            }
            for (k, l) in log.iter_mut().enumerate() {
                let c = base.map_or(0.0, |c| c[k] as f64) + own.map_or(0.0, |c| c[k] as f64);
                let total = self.base.totals[k] + self.own.totals[k];
                *l += ((c + ALPHA) / (total + ALPHA * vocab)).ln();
            }
        }
        let max = log.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut p = log.map(|l| ((l - max) / self.temperature).exp());
        let sum: f64 = p.iter().sum();
        for v in &mut p {
            *v /= sum;
        }
        p
    }
}

fn jaccard(a: &[String], b: &[String]) -> f64 {
    let a: std::collections::HashSet<&String> = a.iter().collect();
    let b: std::collections::HashSet<&String> = b.iter().collect();
    let inter = a.intersection(&b).count() as f64;
    let union = a.union(&b).count() as f64;
    if union == 0.0 {
        0.0
    } else {
        inter / union
    }
}

fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| if w.chars().all(|c| c.is_ascii_digit()) { "#".to_string() } else { w.to_string() })
        .collect()
}

const NEGATORS: [&str; 16] = [
    "not", "no", "don't", "never", "nicht", "kein", "keine", "pas", "ne", "non", "niet", "geen", "nao", "nunca", "nie",
    "jamais",
];

fn hash(parts: &[&str]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// The hashed features of a text: unigrams (negated within three words of a negator), bigrams, and
/// five-letter prefixes of longer words.
pub fn features(text: &str) -> Vec<u64> {
    let w = words(text);
    let mut out = Vec::with_capacity(w.len() * 3);
    let mut negated = 0u8;
    for (i, word) in w.iter().enumerate() {
        if NEGATORS.contains(&word.as_str()) {
            negated = 3;
            out.push(hash(&["u", word]));
            continue;
        }
        let tag = if negated > 0 { "!" } else { "u" };
        negated = negated.saturating_sub(1);
        out.push(hash(&[tag, word]));
        if word.chars().count() > 6 {
            let prefix: String = word.chars().take(5).collect();
            out.push(hash(&["p", &prefix]));
        }
        if let Some(next) = w.get(i + 1) {
            out.push(hash(&["b", word, next]));
        }
    }
    if w.len() <= 3 {
        out.push(hash(&["short"]));
    }
    out
}

/// Counts of the corpus's training cases, each read the way a live reply is (quotes removed).
fn train_builtin() -> Counts {
    counts_of(super::corpus::builtin().iter().filter(|c| !c.eval))
}

/// Counts of corpus cases, each read the way a live reply is (our quoted email removed).
fn counts_of<'a>(cases: impl IntoIterator<Item = &'a super::corpus::Case>) -> Counts {
    let mut counts = Counts::default();
    for case in cases {
        if let Ok(text) = super::responses::own_words(case.raw.as_bytes(), case.sent.as_deref()) {
            counts.add(&text, case.label, 1.0);
        }
    }
    counts
}
