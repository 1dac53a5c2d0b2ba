export { JsonStore, openJsonStore, type JsonStoreOptions } from './store.js';
export { FORMAT, FORMAT_VERSION, decodeValue, encodeValue, type StoreData, type StoredValue } from './format.js';
