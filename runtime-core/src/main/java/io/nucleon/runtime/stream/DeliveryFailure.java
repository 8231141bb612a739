package io.nucleon.runtime.stream;

/**
 * Why a message is dead-lettered: the last error and how often the function was tried.
 *
 * @param errorClass the class of the last exception, or {@code timeout}
 * @param error its message
 * @param attempts runs of the function for this message
 */
public record DeliveryFailure(String errorClass, String error, int attempts) {}
