//! Catalog reference data: the vehicle categories the catalog offers. The catalog migration
//! inserts the same rows (with their decoded attributes, for SQL readers); `seed-demo` restores
//! them through [`crate::Catalog::restore_reference_categories`]. A test checks that the
//! migration's rows agree with this table and with the ACRISS decoder.

use crate::error::CatalogError;
use crate::model::{AcrissCode, VehicleCategory};

/// The categories of the catalog: code, seats, doors, bags, description.
pub const REFERENCE_CATEGORIES: &[(&str, u8, u8, u8, &str)] = &[
    ("MBMR", 4, 3, 1, "Fiat 500 or similar"),
    ("MDMR", 4, 5, 1, "Toyota Aygo X or similar"),
    ("ECMR", 5, 4, 2, "Renault Clio or similar"),
    ("EDMR", 5, 5, 2, "Volkswagen Polo or similar"),
    ("EDAR", 5, 5, 2, "Peugeot 208 automatic or similar"),
    ("EDAE", 5, 5, 2, "Renault Zoe or similar, electric"),
    ("ECAR", 5, 4, 2, "Mitsubishi Mirage or similar"),
    ("CDMR", 5, 5, 2, "Peugeot 308 or similar"),
    ("CDAR", 5, 5, 3, "Volkswagen Golf automatic or similar"),
    ("CWMR", 5, 5, 4, "Peugeot 308 SW or similar"),
    ("CFMR", 5, 5, 3, "Peugeot 2008 or similar"),
    ("CCAR", 5, 4, 2, "Nissan Versa or similar"),
    ("IDMR", 5, 5, 3, "Skoda Octavia or similar"),
    ("IDAR", 5, 5, 3, "Toyota Corolla or similar"),
    ("IDAH", 5, 5, 3, "Toyota Corolla Hybrid or similar"),
    ("IDAC", 5, 5, 3, "Tesla Model 3 Long Range or similar, electric"),
    ("IWAR", 5, 5, 4, "Skoda Octavia Combi automatic or similar"),
    ("IFAR", 5, 5, 3, "Toyota RAV4 or similar"),
    ("ICAR", 5, 4, 3, "Toyota Corolla or similar"),
    ("SDAR", 5, 5, 4, "Volkswagen Passat or similar"),
    ("SCAR", 5, 4, 3, "Volkswagen Jetta or similar"),
    ("SFAR", 5, 5, 4, "Volkswagen Tiguan or similar"),
    ("STAR", 4, 2, 2, "Ford Mustang Convertible or similar"),
    ("FDAR", 5, 5, 4, "Skoda Superb or similar"),
    ("FCAR", 5, 4, 4, "Toyota Camry or similar"),
    ("FFAR", 7, 5, 5, "Chevrolet Tahoe or similar"),
    ("FVMR", 9, 4, 6, "Renault Trafic 9 seats or similar"),
    ("FVAR", 9, 4, 6, "Ford Transit Custom 9 seats automatic or similar"),
    ("MVAR", 7, 4, 4, "Chrysler Pacifica or similar"),
    ("PDAR", 5, 5, 4, "BMW 5 Series or similar"),
    ("PCAR", 5, 4, 4, "Chrysler 300 or similar"),
    ("PFAR", 5, 5, 4, "BMW X3 or similar"),
    ("PVAR", 7, 4, 6, "Mercedes-Benz V-Class or similar"),
    ("LDAR", 5, 5, 4, "Mercedes-Benz S-Class or similar"),
    ("LFAR", 5, 5, 4, "Range Rover Sport or similar"),
];

/// The reference categories, decoded.
pub fn reference_categories() -> Result<Vec<VehicleCategory>, CatalogError> {
    REFERENCE_CATEGORIES
        .iter()
        .map(|(code, seats, doors, bags, description)| {
            let code = AcrissCode::parse(code).map_err(|e| CatalogError::Corrupt(format!("reference category {code}: {e}")))?;
            Ok(VehicleCategory::new(code, *seats, *doors, *bags, (*description).to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use sqlx::{MySqlPool, Row as _};

    use super::*;

    /// code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description.
    type StoredCategory = (String, String, String, String, String, u8, u8, u8, String);

    /// The migration stores decoded attributes for SQL readers: they must say what the Rust decoder says.
    #[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
    async fn migration_categories_agree_with_the_reference_table_and_the_acriss_decoder(pool: MySqlPool) {
        // A test's statement: raw, since the checked `.sqlx/` cache covers the crate's own code.
        let sql = "SELECT code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description FROM vehicle_categories \
                   ORDER BY code";
        let rows: Vec<StoredCategory> = sqlx::raw_sql(sql)
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|row| {
                let text = |i: usize| row.try_get::<String, _>(i).unwrap();
                let number = |i: usize| row.try_get::<u8, _>(i).unwrap();
                (text(0), text(1), text(2), text(3), text(4), number(5), number(6), number(7), text(8))
            })
            .collect();
        let mut expected = reference_categories().unwrap();
        expected.sort_by_key(|c| c.code);
        assert_eq!(rows.len(), expected.len());
        for (row, category) in rows.iter().zip(&expected) {
            let decoded = AcrissCode::parse(&row.0).unwrap().decode();
            assert_eq!(
                (row.1.as_str(), row.2.as_str(), row.3.as_str(), row.4.as_str()),
                (decoded.category, decoded.vehicle_type, decoded.transmission, decoded.fuel_air),
                "{}",
                row.0
            );
            assert_eq!(
                (row.0.as_str(), row.5, row.6, row.7, row.8.as_str()),
                (category.code.as_str(), category.seats, category.doors, category.bags, category.description.as_str())
            );
        }
    }
}
