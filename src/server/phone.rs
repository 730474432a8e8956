//! Top-up phone numbers checked against libphonenumber's metadata (the
//! `phonenumber` crate): a number must be valid for its country, and leaves as
//! E.164. Server only: the metadata is too heavy for the browser, whose model code
//! checks the shape alone (`model::beneficiary::parse_e164`).

use crate::model::beneficiary::{ContactError, PhoneError, parse_e164};
use crate::model::countries::{self, Country};
use phonenumber::Mode;
use phonenumber::metadata::DATABASE;

/// Checks a mobile top-up number for a product of `country` and returns it in
/// E.164 (`+84912345678`). Written internationally (`+`, or `00`) it must be a
/// number of that country; written locally (`0912 345 678`) it is read as one.
/// Spaces, dashes, dots and brackets are accepted.
pub fn parse_top_up_number(input: &str, country: &str) -> Result<String, PhoneError> {
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if compact.starts_with('+') || compact.starts_with("00") {
        let e164 = read_international(input, country)?;
        return match phonenumber::parse(None, &e164)
            .ok()
            .and_then(|n| n.country().id())
        {
            Some(id) if id.as_ref() == country => Ok(e164),
            _ => {
                Err(of_country(country).map_or(PhoneError::OtherCountry, PhoneError::NotOfCountry))
            }
        };
    }
    // The local form: digits only, a plausible length, read in the product's country.
    let shaped = (1..=17).contains(&compact.len()) && compact.chars().all(|c| c.is_ascii_digit());
    let region = country.parse::<phonenumber::country::Id>().ok();
    let (true, Some(region)) = (shaped, region) else {
        return Err(PhoneError::Shape(ContactError::Phone));
    };
    let invalid = || {
        of_country(country).map_or(
            PhoneError::Shape(ContactError::Phone),
            PhoneError::NotValidFor,
        )
    };
    let number = phonenumber::parse(Some(region), &compact).map_err(|_| invalid())?;
    let same = number
        .country()
        .id()
        .is_some_and(|id| id.as_ref() == country);
    if same && phonenumber::is_valid(&number) {
        Ok(number.format().mode(Mode::E164).to_string())
    } else {
        Err(invalid())
    }
}

/// The shop's country of code `cc`.
fn of_country(cc: &str) -> Option<Country> {
    countries::find(cc).filter(|c| c.code == cc)
}

/// A mobile number of `country` as its people write it internationally
/// (`+84 91 234 56 78`), from libphonenumber's example: the checkout's hint.
pub fn example(country: &str) -> Option<String> {
    let meta = DATABASE.by_id(country)?;
    let national = meta.descriptors().mobile()?.example()?;
    let region = country.parse::<phonenumber::country::Id>().ok()?;
    let number = phonenumber::parse(Some(region), national).ok()?;
    Some(number.format().mode(Mode::International).to_string())
}

/// Reads an internationally written number (valid for its own country, one of
/// the shop's) as E.164. `country` is the product's: the one named when the
/// number is invalid and its calling code is shared (`+1` in the US shop: "for
/// United States").
fn read_international(input: &str, country: &str) -> Result<String, PhoneError> {
    // The cheap shape check (and its length limit) before any regex of the library.
    let e164 = parse_e164(input)?;
    let (code, regions) = calling_code(&e164[1..]).ok_or(PhoneError::UnknownCountryCode(None))?;
    let ours: Vec<Country> = regions.iter().filter_map(|r| countries::find(r)).collect();
    if ours.is_empty() {
        return Err(PhoneError::UnknownCountryCode(Some(code)));
    }
    let number =
        phonenumber::parse(None, &e164).map_err(|_| not_valid(code, &ours, None, country))?;
    let region = number.country().id();
    let region = region.as_ref().map(|id| id.as_ref());
    if !phonenumber::is_valid(&number) {
        return Err(not_valid(code, &ours, region, country));
    }
    match region {
        Some(r) if ours.iter().any(|c| c.code == r) => {
            Ok(number.format().mode(Mode::E164).to_string())
        }
        _ => Err(PhoneError::OtherCountry),
    }
}

/// The calling code that starts `digits` (they are prefix-free: 1 to 3 digits)
/// and the regions libphonenumber files under it.
fn calling_code(digits: &str) -> Option<(u16, Vec<&'static str>)> {
    (1..=3.min(digits.len())).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        Some((code, DATABASE.region(&code)?))
    })
}

/// The invalid-number error naming the most likely country: the one the number's
/// leading digits point to, else the shop's country, else the code's only country.
fn not_valid(code: u16, ours: &[Country], region: Option<&str>, shop: &str) -> PhoneError {
    let named = |cc: &str| {
        ours.iter()
            .find(|c| c.code.eq_ignore_ascii_case(cc))
            .copied()
    };
    match region.and_then(named).or_else(|| named(shop)) {
        Some(c) => PhoneError::NotValidFor(c),
        None if ours.len() == 1 => PhoneError::NotValidFor(ours[0]),
        None => PhoneError::NotValidForCode(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(name: &str) -> Country {
        crate::model::countries::all()
            .iter()
            .copied()
            .find(|c| c.name == name)
            .expect("a country of the list")
    }

    #[test]
    fn the_country_is_named_in_the_shoppers_language() {
        let err = parse_top_up_number("+49 1512 345", "US").unwrap_err();
        let tr = err.message(crate::lang::Locale::tr);
        assert!(tr.contains("Almanya") && !tr.contains("Germany"), "{tr}");
        let vi = err.message(crate::lang::Locale::vi);
        assert!(vi.contains("Đức") && !vi.contains("Germany"), "{vi}");
    }

    fn ok(input: &str) -> String {
        ok_in("US", input)
    }

    fn ok_in(country: &str, input: &str) -> String {
        parse_top_up_number(input, country).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn a_top_up_number_must_be_of_the_brands_country() {
        // A Viettel (Vietnam) top-up and a US number: refused, naming Vietnam.
        let err = parse_top_up_number("+14155551234", "VN").unwrap_err();
        assert_eq!(err, PhoneError::NotOfCountry(country("Vietnam")));
        assert_eq!(
            err.to_string(),
            "This top-up is for Vietnam: enter a number of Vietnam."
        );
        // A Canadian number under the shared +1 is not a US one.
        assert_eq!(
            parse_top_up_number("+1 604 555 0123", "US"),
            Err(PhoneError::NotOfCountry(country("United States")))
        );
        assert_eq!(ok_in("VN", "+84 91 234 5678"), "+84912345678");
    }

    #[test]
    fn the_local_form_is_read_in_the_brands_country() {
        assert_eq!(ok_in("VN", "0912345678"), "+84912345678");
        assert_eq!(ok_in("VN", "091 234 5678"), "+84912345678");
        assert_eq!(ok_in("TR", "0532 123 45 67"), "+905321234567");
        assert_eq!(ok_in("US", "(415) 555-1234"), "+14155551234");
        assert_eq!(
            parse_top_up_number("0912", "VN"),
            Err(PhoneError::NotValidFor(country("Vietnam")))
        );
    }

    #[test]
    fn the_example_is_a_mobile_number_of_the_country() {
        let vn = example("VN").expect("an example for Vietnam");
        assert!(vn.starts_with("+84 "), "{vn}");
        assert_eq!(ok_in("VN", &vn), ok_in("VN", &vn.replace(' ', "")));
        let tr = example("TR").expect("an example for Türkiye");
        assert!(tr.starts_with("+90 5"), "{tr}");
        assert!(example("ZZ").is_none());
    }

    #[test]
    fn seven_digit_numbers_of_niue_and_tokelau_pass() {
        // libphonenumber 9.0.33 (the crate's metadata): NU fixed line [47]\d{3},
        // mobile [56]\d{3} or 888[1-9]\d{3}; TK mobile 7[2-4]\d{2,5}.
        assert_eq!(ok_in("NU", "+683 7012"), "+6837012");
        assert_eq!(ok_in("NU", "+683 5012"), "+6835012");
        assert_eq!(ok_in("NU", "+683 888 4012"), "+6838884012");
        assert_eq!(ok_in("TK", "+690 7290"), "+6907290");
        assert_eq!(
            parse_top_up_number("+683 9012", "NU"),
            Err(PhoneError::NotValidFor(country("Niue")))
        );
    }

    #[test]
    fn a_short_german_number_names_germany() {
        let err = parse_top_up_number("+49 1512 345", "US").unwrap_err();
        assert_eq!(err, PhoneError::NotValidFor(country("Germany")));
        assert_eq!(
            err.to_string(),
            "This isn't a valid phone number for Germany."
        );
        assert_eq!(ok_in("DE", "+49 151 23456789"), "+4915123456789");
    }

    #[test]
    fn us_numbers_leave_as_e164_whatever_the_punctuation() {
        assert_eq!(ok("+1 (201) 555-0123"), "+12015550123");
        assert_eq!(ok("+1 201.555.0123"), "+12015550123");
        assert_eq!(ok("001-201-555-0123"), "+12015550123");
        assert_eq!(ok(" +12015550123 "), "+12015550123");
        // The number the browser tests type.
        assert_eq!(ok("+1 415 555 1234"), "+14155551234");
    }

    #[test]
    fn an_invalid_number_under_a_shared_code_names_the_likeliest_country() {
        // +1 with an area code that doesn't exist: the shop's own country if it
        // dials +1, else the code itself.
        assert_eq!(
            parse_top_up_number("+1 011 555 0123", "US"),
            Err(PhoneError::NotValidFor(country("United States")))
        );
        assert_eq!(
            parse_top_up_number("+1 011 555 0123", "CA"),
            Err(PhoneError::NotValidFor(country("Canada")))
        );
        assert_eq!(
            parse_top_up_number("+1 011 555 0123", "DE"),
            Err(PhoneError::NotValidForCode(1))
        );
    }

    #[test]
    fn unknown_country_codes_are_said_plainly() {
        // +999 is no country's; +98 (Iran) and +882 (international networks) are
        // not among the shop's 233.
        let err = parse_top_up_number("+999 1234 5678", "US").unwrap_err();
        assert_eq!(err, PhoneError::UnknownCountryCode(None));
        assert!(err.to_string().contains("doesn't know"), "{err}");
        let err = parse_top_up_number("+98 912 345 6789", "US").unwrap_err();
        assert_eq!(err, PhoneError::UnknownCountryCode(Some(98)));
        assert_eq!(
            err.to_string(),
            "The shop doesn't know the country code +98. Check the digits after the +."
        );
        assert_eq!(
            parse_top_up_number("+882 1234 5678", "US"),
            Err(PhoneError::UnknownCountryCode(Some(882)))
        );
        // Russia shares +7 with Kazakhstan, which the shop serves.
        assert_eq!(
            parse_top_up_number("+7 912 345 67 89", "KZ"),
            Err(PhoneError::OtherCountry)
        );
        assert_eq!(ok_in("KZ", "+7 701 123 4567"), "+77011234567");
    }

    #[test]
    fn the_shape_is_checked_first() {
        for bad in ["", "+12", "+1-415-abc", "+0123456789", "+1234567890123456"] {
            assert_eq!(
                parse_top_up_number(bad, "US"),
                Err(PhoneError::Shape(ContactError::Phone)),
                "{bad}"
            );
        }
    }
}
