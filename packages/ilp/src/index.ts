export {
  OerReader,
  OerWriter,
  OerDecodeError,
  MAX_UINT64,
  lengthPrefixSize,
  varUIntSize,
  varUIntContentSize,
  varOctetStringSize,
} from './oer';
