use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The four ways of introducing an expansion (PRD-047, Step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Approach {
    /// Share what is possible.
    Educational,
    /// Address a limit they have hit.
    ProblemSolving,
    /// Build on their success.
    ValueAdd,
    /// Prepare for their growth.
    Proactive,
}

impl Approach {
    pub const ALL: [Approach; 4] =
        [Approach::Educational, Approach::ProblemSolving, Approach::ValueAdd, Approach::Proactive];

    pub fn as_str(self) -> &'static str {
        match self {
            Approach::Educational => "educational",
            Approach::ProblemSolving => "problem_solving",
            Approach::ValueAdd => "value_add",
            Approach::Proactive => "proactive",
        }
    }

    /// The plain-words name a CSM reads.
    pub fn label(self) -> &'static str {
        match self {
            Approach::Educational => "Educational",
            Approach::ProblemSolving => "Problem-solving",
            Approach::ValueAdd => "Value-add",
            Approach::Proactive => "Proactive",
        }
    }
}

impl fmt::Display for Approach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Approach {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let normal = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Approach::ALL
            .into_iter()
            .find(|a| a.as_str() == normal)
            .ok_or_else(|| format!("unknown approach `{s}`: use educational, problem_solving, value_add or proactive"))
    }
}

/// How firmly the email asks for the next step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Soft,
    Direct,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Soft => "soft",
            Tone::Direct => "direct",
        }
    }
}

impl FromStr for Tone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "soft" => Ok(Tone::Soft),
            "direct" => Ok(Tone::Direct),
            _ => Err(format!("unknown tone `{s}`: use soft or direct")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_approaches_forgivingly() {
        assert_eq!("problem-solving".parse::<Approach>(), Ok(Approach::ProblemSolving));
        assert_eq!("Value add".parse::<Approach>(), Ok(Approach::ValueAdd));
        for a in Approach::ALL {
            assert_eq!(a.as_str().parse::<Approach>(), Ok(a));
        }
        assert!("salesy".parse::<Approach>().unwrap_err().contains("salesy"));
        assert_eq!("DIRECT".parse::<Tone>(), Ok(Tone::Direct));
        assert!("loud".parse::<Tone>().is_err());
    }
}
