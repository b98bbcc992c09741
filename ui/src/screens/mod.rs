pub mod accounts;
pub mod env_files;
pub mod inspector;
pub mod key_detail;
pub mod keys;
pub mod settings;
