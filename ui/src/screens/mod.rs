pub mod accounts;
pub mod inspector;
pub mod key_detail;
pub mod keys;
pub mod settings;
