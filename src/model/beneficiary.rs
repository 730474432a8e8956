//! Where a product is delivered: an email for gift cards and eSIMs, an E.164
//! phone number for mobile top-ups.

use crate::model::catalog::Kind;
use serde::{Deserialize, Serialize};

/// Why a beneficiary or buyer contact was refused, in the shopper's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ContactError {
    #[error("Enter an email address, like name@example.com.")]
    Email,
    #[error(
        "Enter the mobile number in digits: + and the country code, or as it is dialled in its country."
    )]
    Phone,
}

impl ContactError {
    /// The refusal in the shopper's words.
    pub fn message(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            ContactError::Email => td_string!(l, errors.email_invalid),
            ContactError::Phone => td_string!(l, errors.phone_format),
        }
        .to_string()
    }
}

/// Why a top-up number was refused, in the shopper's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PhoneError {
    /// Not `+`, a country code and 4 to 15 digits.
    #[error(transparent)]
    Shape(#[from] ContactError),
    /// No country the shop knows has this calling code (`None`: no country at all).
    #[error("{}", unknown_code(.0))]
    UnknownCountryCode(Option<u16>),
    /// A valid number, but of a country outside the shop's 233 that shares a
    /// calling code with one inside (a Russian +7 number; Kazakhstan is +7 too).
    #[error("This number belongs to a country the shop doesn't serve.")]
    OtherCountry,
    /// The national number is wrong for the country its calling code names.
    #[error("This isn't a valid phone number for {}.", .0.name)]
    NotValidFor(crate::model::countries::Country),
    /// As above, when the calling code is shared and the number doesn't say which
    /// of its countries it meant (`+1`: the US, Canada and the Caribbean).
    #[error("This isn't a valid phone number for country code +{0}.")]
    NotValidForCode(u16),
    /// A valid number of another country than the top-up's (a Vietnamese
    /// top-up and a US number).
    #[error("This top-up is for {}: enter a number of {}.", .0.name, .0.name)]
    NotOfCountry(crate::model::countries::Country),
}

impl PhoneError {
    /// The refusal in the shopper's words (`NotValidFor` names the country in
    /// the shopper's language).
    pub fn message(&self, l: crate::lang::Locale) -> String {
        use crate::i18n::td_string;
        match self {
            PhoneError::Shape(e) => e.message(l),
            PhoneError::UnknownCountryCode(Some(code)) => {
                td_string!(l, errors.phone_unknown_code, code)
            }
            PhoneError::UnknownCountryCode(None) => td_string!(l, errors.phone_no_code).to_string(),
            PhoneError::OtherCountry => td_string!(l, errors.phone_unserved_country).to_string(),
            PhoneError::NotValidFor(name) => td_string!(
                l,
                errors.phone_not_valid_for,
                country = crate::model::countries::name_in(*name, l)
            ),
            PhoneError::NotValidForCode(code) => {
                td_string!(l, errors.phone_not_valid_for_code, code)
            }
            PhoneError::NotOfCountry(c) => td_string!(
                l,
                errors.phone_not_of_country,
                country = crate::model::countries::name_in(*c, l)
            ),
        }
    }
}

fn unknown_code(code: &Option<u16>) -> String {
    match code {
        Some(code) => {
            format!("The shop doesn't know the country code +{code}. Check the digits after the +.")
        }
        None => "The shop doesn't know this number's country code. Check the digits after the +."
            .to_string(),
    }
}

/// Normalises and checks an email address (one `@`, a dotted domain, no spaces).
pub fn parse_email(input: &str) -> Result<String, ContactError> {
    let email = input.trim();
    let (local, domain) = email.split_once('@').ok_or(ContactError::Email)?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && email
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | ',' | ';'));
    if ok {
        Ok(email.to_string())
    } else {
        Err(ContactError::Email)
    }
}

/// Normalises a phone number to the shape of E.164: `+`, a country code that
/// doesn't start with 0, 4 to 15 digits in all (Niue and Tokelau have 7); spaces,
/// dashes, dots and brackets are dropped, a leading `00` becomes `+`. Whether the
/// number exists in its country is for the server (`server::phone`), which has
/// libphonenumber's metadata; the browser build stays without it.
pub fn parse_e164(input: &str) -> Result<String, ContactError> {
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
        .ok_or(ContactError::Phone)?;
    let ok = (4..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if ok {
        Ok(format!("+{digits}"))
    } else {
        Err(ContactError::Phone)
    }
}

/// Checks a beneficiary account for the product kind it is meant for (the shape
/// only for phone numbers; the server checks them further).
pub fn parse_beneficiary(kind: &Kind, input: &str) -> Result<String, ContactError> {
    match kind {
        Kind::MobileRecharge => parse_e164(input),
        _ => parse_email(input),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            parse_email(" a.b@example.com "),
            Ok("a.b@example.com".into())
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@x.com",
            "a@@x.com",
            "a b@x.com",
            "a@x..com",
            "a@.x.com",
        ] {
            assert_eq!(parse_email(bad), Err(ContactError::Email), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(parse_e164("+1 (415) 555-1234"), Ok("+14155551234".into()));
        assert_eq!(parse_e164("0049 30 1234567"), Ok("+49301234567".into()));
        assert_eq!(parse_e164("+683 7012"), Ok("+6837012".into()), "Niue");
        assert_eq!(parse_e164("+690 7290"), Ok("+6907290".into()), "Tokelau");
        for bad in [
            "",
            "4155551234",
            "+12",
            "+123",
            "+1415555123412345",
            "+1-415-abc",
            "+0123456789",
        ] {
            assert_eq!(parse_e164(bad), Err(ContactError::Phone), "{bad}");
        }
    }

    #[test]
    fn by_kind() {
        assert!(parse_beneficiary(&Kind::MobileRecharge, "a@b.co").is_err());
        assert!(parse_beneficiary(&Kind::GiftCard, "+14155551234").is_err());
        assert!(parse_beneficiary(&Kind::Esim, "a@b.co").is_ok());
    }
}
