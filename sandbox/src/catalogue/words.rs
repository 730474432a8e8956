//! The catalogue's and the orders' words in the languages the real API speaks
//! to this shop (`lang` on product and order calls: `en`, `tr`, `vi`; anything
//! else is English). The sandbox answers in the language it is asked in, so
//! the storefront's pages can be checked for English left on them.

/// A language the sandbox writes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Tr,
    Vi,
}

impl Lang {
    /// The language of a `lang` parameter (English when absent or unknown).
    pub fn of(code: Option<&str>) -> Lang {
        match code.map(|c| c.trim().to_ascii_lowercase()).as_deref() {
            Some("tr") => Lang::Tr,
            Some("vi") => Lang::Vi,
            _ => Lang::En,
        }
    }
}

/// A family's description, in its kind's words. English names the country;
/// the other languages leave it out (the sandbox knows country names in
/// English only).
pub fn description(l: Lang, kind: &str, brand: &str, country: &str) -> String {
    match (l, kind) {
        (Lang::En, "esim") => format!(
            "{brand} data plans for {country}. Delivered by email in minutes, paid in stablecoins."
        ),
        (Lang::En, "mobile_recharge") => format!(
            "{brand} prepaid credit for {country}. Added to the phone number in minutes, paid in stablecoins."
        ),
        (Lang::En, _) => format!(
            "{brand} gift cards for {country}. Delivered by email in minutes, paid in stablecoins."
        ),
        (Lang::Tr, "esim") => format!(
            "{brand} veri paketleri. Dakikalar içinde e-postayla gelir, stablecoin ile ödenir."
        ),
        (Lang::Tr, "mobile_recharge") => format!(
            "{brand} kontör yüklemesi. Dakikalar içinde numaraya yüklenir, stablecoin ile ödenir."
        ),
        (Lang::Tr, _) => format!(
            "{brand} hediye kartları. Dakikalar içinde e-postayla gelir, stablecoin ile ödenir."
        ),
        (Lang::Vi, "esim") => format!(
            "Gói dữ liệu {brand}. Gửi qua email trong vài phút, thanh toán bằng stablecoin."
        ),
        (Lang::Vi, "mobile_recharge") => format!(
            "Nạp tiền {brand}. Cộng vào số điện thoại trong vài phút, thanh toán bằng stablecoin."
        ),
        (Lang::Vi, _) => format!(
            "Thẻ quà tặng {brand}. Gửi qua email trong vài phút, thanh toán bằng stablecoin."
        ),
    }
}

/// How to use what the family sells (the brand page's "How to redeem").
pub fn how_to_redeem(l: Lang, kind: &str) -> &'static str {
    match (l, kind) {
        (Lang::En, "esim") => {
            "Open the link in the email on your phone and follow the steps to install the eSIM. Turn on data roaming when you arrive."
        }
        (Lang::En, "mobile_recharge") => {
            "The credit is added to the phone number within minutes. No code to enter."
        }
        (Lang::En, _) => {
            "Copy the code, open the brand's website or app, go to Redeem gift card and paste the code."
        }
        (Lang::Tr, "esim") => {
            "E-postadaki bağlantıyı telefonunuzda açın ve eSIM'i kurmak için adımları izleyin. Vardığınızda veri dolaşımını açın."
        }
        (Lang::Tr, "mobile_recharge") => {
            "Kontör dakikalar içinde numaraya yüklenir. Girilecek bir kod yoktur."
        }
        (Lang::Tr, _) => {
            "Kodu kopyalayın, markanın web sitesini ya da uygulamasını açın, hediye kartı kullanma bölümüne gidip kodu yapıştırın."
        }
        (Lang::Vi, "esim") => {
            "Mở liên kết trong email trên điện thoại và làm theo các bước để cài eSIM. Bật chuyển vùng dữ liệu khi bạn đến nơi."
        }
        (Lang::Vi, "mobile_recharge") => {
            "Tiền được cộng vào số điện thoại trong vài phút. Không cần nhập mã."
        }
        (Lang::Vi, _) => {
            "Sao chép mã, mở trang web hoặc ứng dụng của thương hiệu, vào mục đổi thẻ quà tặng và dán mã."
        }
    }
}

/// The family's terms.
pub fn terms(l: Lang, kind: &str, brand: &str) -> String {
    match (l, kind) {
        (Lang::En, "mobile_recharge") => {
            format!("{brand} is a trademark of its owner. Credit can't be refunded once added.")
        }
        (Lang::En, _) => {
            format!("{brand} is a trademark of its owner. Codes are non-refundable once delivered.")
        }
        (Lang::Tr, "mobile_recharge") => {
            format!("{brand}, sahibinin ticari markasıdır. Yüklenen kontör iade edilemez.")
        }
        (Lang::Tr, _) => {
            format!("{brand}, sahibinin ticari markasıdır. Teslim edilen kodlar iade edilemez.")
        }
        (Lang::Vi, "mobile_recharge") => {
            format!("{brand} là nhãn hiệu của chủ sở hữu. Tiền đã nạp không thể hoàn lại.")
        }
        (Lang::Vi, _) => {
            format!("{brand} là nhãn hiệu của chủ sở hữu. Mã đã giao không thể hoàn lại.")
        }
    }
}

/// The products' own terms (`product_tc`).
pub fn product_terms(l: Lang, brand: &str, cc: &str) -> String {
    match l {
        Lang::En => {
            format!("{brand} codes are valid in {cc} only and cannot be exchanged for cash.")
        }
        Lang::Tr => format!("{brand} kodları yalnızca {cc} içinde geçerlidir ve nakde çevrilemez."),
        Lang::Vi => format!("Mã {brand} chỉ có hiệu lực tại {cc} và không thể đổi thành tiền mặt."),
    }
}

/// The note of a family that needs an account.
pub fn account_note(l: Lang) -> &'static str {
    match l {
        Lang::En => "This product needs a Cryptorefills account.",
        Lang::Tr => "Bu ürün için bir Cryptorefills hesabı gerekir.",
        Lang::Vi => "Sản phẩm này cần tài khoản Cryptorefills.",
    }
}

/// An eSIM plan's data: `None` GB is unlimited.
pub fn plan(l: Lang, gb: Option<i32>, days: i32) -> String {
    match (l, gb) {
        (Lang::En, Some(gb)) => format!("{gb} GB for {days} days"),
        (Lang::En, None) => "Unlimited data".to_string(),
        (Lang::Tr, Some(gb)) => format!("{days} gün için {gb} GB"),
        (Lang::Tr, None) => "Sınırsız veri".to_string(),
        (Lang::Vi, Some(gb)) => format!("{gb} GB trong {days} ngày"),
        (Lang::Vi, None) => "Dữ liệu không giới hạn".to_string(),
    }
}

/// An eSIM plan as a denomination (`3 GB · 7 days · $5`).
pub fn plan_denomination(l: Lang, gb: Option<i32>, days: i32, usd: u32) -> String {
    let (data, period) = match l {
        Lang::En => (
            gb.map_or("Unlimited".to_string(), |g| format!("{g} GB")),
            format!("{days} days"),
        ),
        Lang::Tr => (
            gb.map_or("Sınırsız".to_string(), |g| format!("{g} GB")),
            format!("{days} gün"),
        ),
        Lang::Vi => (
            gb.map_or("Không giới hạn".to_string(), |g| format!("{g} GB")),
            format!("{days} ngày"),
        ),
    };
    format!("{data} · {period} · ${usd}")
}

/// What a delivered card says about using it.
pub fn delivered(l: Lang, kind: Option<&str>) -> &'static str {
    match (l, kind) {
        (Lang::En, Some("esim")) => "Open the link on your phone and install the eSIM.",
        (Lang::En, Some("mobile_recharge")) => "The credit has been added to the phone number.",
        (Lang::En, _) => "Enter the code on the brand's website or app under Redeem gift card.",
        (Lang::Tr, Some("esim")) => "Bağlantıyı telefonunuzda açın ve eSIM'i kurun.",
        (Lang::Tr, Some("mobile_recharge")) => "Kontör numaraya yüklendi.",
        (Lang::Tr, _) => {
            "Kodu markanın web sitesinde ya da uygulamasında hediye kartı kullanma bölümüne girin."
        }
        (Lang::Vi, Some("esim")) => "Mở liên kết trên điện thoại và cài eSIM.",
        (Lang::Vi, Some("mobile_recharge")) => "Tiền đã được cộng vào số điện thoại.",
        (Lang::Vi, _) => {
            "Nhập mã trên trang web hoặc ứng dụng của thương hiệu tại mục đổi thẻ quà tặng."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_asked_for_else_english() {
        assert_eq!(Lang::of(Some("tr")), Lang::Tr);
        assert_eq!(Lang::of(Some(" VI ")), Lang::Vi);
        assert_eq!(Lang::of(Some("de")), Lang::En);
        assert_eq!(Lang::of(None), Lang::En);
    }

    #[test]
    fn every_kind_has_its_words_in_every_language() {
        for l in [Lang::En, Lang::Tr, Lang::Vi] {
            for kind in ["giftcard", "esim", "mobile_recharge"] {
                assert!(description(l, kind, "Brand", "Turkey").contains("Brand"));
                assert!(!how_to_redeem(l, kind).is_empty());
                assert!(!delivered(l, Some(kind)).is_empty());
            }
        }
        assert_ne!(
            how_to_redeem(Lang::Tr, "giftcard"),
            how_to_redeem(Lang::En, "giftcard")
        );
    }
}
