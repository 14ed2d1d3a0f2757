//! What is wrong with a conditional header that must not be ignored.

use std::fmt;

use http::HeaderName;

use crate::entity_tag::InvalidEntityTag;
use crate::problem::header_display_name;

/// What is wrong with an `If-Match` / `If-None-Match` field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TagListProblem {
    /// The field is present but lists nothing.
    NoMembers,
    /// `*` appears together with entity tags, or more than once.
    StarInList,
    /// One member is not a valid entity tag.
    InvalidMember {
        /// The member as received (lossy UTF-8).
        member: String,
        /// Why it is invalid.
        reason: InvalidEntityTag,
    },
}

impl fmt::Display for TagListProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoMembers => f.write_str(
                "the field lists no entity tag; send \"*\" or a list of quoted entity tags",
            ),
            Self::StarInList => {
                f.write_str("\"*\" must be the whole field value, not part of a list")
            }
            Self::InvalidMember { member, reason } => {
                write!(f, "`{member}` is not a valid entity tag: {reason}")
            }
        }
    }
}

/// A conditional header that cannot be parsed and must not be ignored (answered with 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedHeader {
    header: HeaderName,
    problem: TagListProblem,
}

impl MalformedHeader {
    pub(crate) fn tag_list(header: HeaderName, problem: TagListProblem) -> Self {
        Self { header, problem }
    }

    /// The header that is malformed.
    pub fn header(&self) -> &HeaderName {
        &self.header
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &TagListProblem {
        &self.problem
    }
}

impl fmt::Display for MalformedHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed {} header: {}",
            header_display_name(&self.header),
            self.problem
        )
    }
}

impl std::error::Error for MalformedHeader {}
